#!/usr/bin/env bash
# The GPU check of @ual/trainer-torch (issue 15) — NOT RUN YET. One command, from the repository
# root, on a machine with an NVIDIA GPU and python3 with torch 2.x, transformers and peft:
#     plugins/trainer-torch/gpu/run_check.sh [results dir] [layers]
# layers: 32 (the 7B shape, default); fewer if the time box (8 min) or the disk does not allow.
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
OUTDIR="${1:-${OUT:-$HERE/results}}"
LAYERS="${2:-32}"
PY="${PYTHON:-python3}"
MODEL="${TMPDIR:-/tmp}/ual-gpu-check-llama7b-$LAYERS"
mkdir -p "$OUTDIR"
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader | tee "$OUTDIR/gpu.txt"
timeout 150 "$PY" "$HERE/check_gpu.py" parity "$OUTDIR/parity.json" 2>&1 | tail -3
if [ ! -f "$MODEL/config.json" ]; then
  timeout 180 "$PY" "$HERE/check_gpu.py" make "$MODEL" "$LAYERS" 2>&1 | tail -1 | tee "$OUTDIR/make.json"
fi
timeout 150 "$PY" "$HERE/check_gpu.py" ual "$MODEL" "$OUTDIR/ual.json" 2>&1 | tail -3
timeout 150 "$PY" "$HERE/check_gpu.py" hf "$MODEL" "$OUTDIR/hf.json" 2>&1 | tail -3
"$PY" "$HERE/check_gpu.py" table "$OUTDIR" | tee "$OUTDIR/table.md"
