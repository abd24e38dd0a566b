#!/usr/bin/env bash
# The GPU check of @ual/trainer-torch (issue 15) — NOT RUN YET. One command, from the repository
# root, on a machine with an NVIDIA GPU and python3 with torch 2.x, transformers and peft (no Node:
# the UAL side is python/train.py on gpu/prepared/, the plan the plugin wrote for gpu/check.yaml):
#     plugins/trainer-torch/gpu/run_check.sh [results dir] [layers]
# layers: 32 (the 7B shape, default); fewer if the time box (8 min) or the disk does not allow.
# Each phase writes its JSON as soon as it ends, so a phase cut short leaves the others' results;
# the main measurement (ual, hf) runs before the parity test.
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
OUTDIR="${1:-${OUT:-$HERE/results}}"
LAYERS="${2:-32}"
PY="${PYTHON:-python3}"
MODEL="${TMPDIR:-/tmp}/ual-gpu-check-llama7b-$LAYERS"
mkdir -p "$OUTDIR"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | tee "$OUTDIR/gpu.txt"
"$PY" -c "import torch, transformers, peft; print('torch', torch.__version__, 'transformers', transformers.__version__, 'peft', peft.__version__)" | tee "$OUTDIR/versions.txt"
if [ ! -f "$MODEL/config.json" ]; then
  timeout 150 "$PY" "$HERE/check_gpu.py" make "$MODEL" "$LAYERS" 2>&1 | tail -1 | tee "$OUTDIR/make.json"
fi
timeout 120 "$PY" "$HERE/check_gpu.py" ual "$MODEL" "$OUTDIR/ual.json" 2>&1 | tail -c 1500
timeout 120 "$PY" "$HERE/check_gpu.py" hf "$MODEL" "$OUTDIR/hf.json" 2>&1 | tail -c 1500
timeout 120 "$PY" "$HERE/check_gpu.py" parity "$OUTDIR/parity.json" 2>&1 | tail -3
"$PY" "$HERE/check_gpu.py" table "$OUTDIR" | tee "$OUTDIR/table.md"
