#!/usr/bin/env python3
"""The GPU check of issue 15 (NOT RUN YET: no GPU was lent when it was written). For a machine
with one or more NVIDIA GPUs and Python with torch 2.x, transformers and peft; no Node, no
internet. run_check.sh runs the phases in order, each in its own process (so each peak memory is
its own), and `table` prints the one table:

    check_gpu.py parity <out.json>            transformers parity on CUDA, fp32 and bf16
    check_gpu.py make <model dir> <layers>    a Llama-2-7B-shaped model (llama-7b/config.json, random bf16 weights) saved by transformers
    check_gpu.py ual <model dir> <out.json>   @ual/trainer-torch's own script (python/train.py) on the prepared plan
    check_gpu.py hf <model dir> <out.json>    transformers + PEFT's ordinary step on the same batches
    check_gpu.py table <dir of results>       the table

The UAL side is the trainer as users run it: prepared/ is the plan that @ual/trainer-torch wrote for
check.yaml with launcher none (prepare.mjs, Node, on the developer's machine): 20 steps of one
sample of 1024 byte tokens, ε per sample from the mapper, lr warm-up, LoRA r 8, alpha 16, q/v,
dropout 0.1, bf16, gradient checkpointing, micro-batch 1. train.py runs it in a process of its own
with `init` pointed at the model made here. The transformers side takes the same samples in the
same order, the same LoRA, optimizer (AdamW, the plan's lr, betas, eps, weight decay, clipping
at 1.0), bf16, SDPA and gradient checkpointing, with plain cross-entropy on every token.
tokens/s over steps 4..20; peak = torch.cuda.max_memory_allocated.

UAL_CHECK_DEVICE=cpu runs the ual and table phases on the CPU (a dry run of this script on a small
model: gpu_check_test.ts does it, so that the one GPU call does not fail on a typo); UAL_CHECK_STEPS
runs the first N steps only, on both sides (the README's CPU measurement of a 7B LoRA step's peak
memory; the test's dry run).
"""
import json
import os
import resource
import subprocess
import sys
import tempfile

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON_DIR = os.path.join(HERE, "..", "python")
sys.path.insert(0, PYTHON_DIR)
PREPARED = os.path.join(HERE, "prepared")
DEVICE = os.environ.get("UAL_CHECK_DEVICE", "cuda")
GIB = 1024 ** 3
SKIP = 3  # the first steps (allocator warm-up, kernel selection) are not timed


def _plan():
    with open(os.path.join(PREPARED, "plan.json")) as f:
        return json.load(f)


def _steps(plan):
    """The steps to run: the plan's, or UAL_CHECK_STEPS of them (a 7B step on a CPU takes minutes)."""
    return min(plan["totalSteps"], int(os.environ.get("UAL_CHECK_STEPS", plan["totalSteps"])))


def _batches(plan):
    """[(ids [1, T], labels [1, T])] in the plan's step order, as train.py collates them."""
    from _batches import Data

    spec = plan["examples"]
    data = Data(os.path.join(PREPARED, spec["ids"]), os.path.join(PREPARED, spec["labels"]), spec["offsets"], spec["pad"])
    return [data.collate(step, "cpu")[:2] for step in plan["schedule"]]


def _device_name():
    return torch.cuda.get_device_name() if DEVICE == "cuda" else "cpu"


def _write(out_path, result):
    with open(out_path, "w") as f:
        json.dump(result, f)
    print(json.dumps(result))


def ual(folder, out_path):
    """python/train.py on the prepared plan, `init` pointed at `folder`; its own step records."""
    plan = _plan()
    work = tempfile.mkdtemp(prefix="ual-gpu-check-")
    spec = plan["examples"]
    plan.update(init=os.path.abspath(folder), checkpointsDir=os.path.join(work, "checkpoints"), device=DEVICE,
                examples={**spec, "ids": os.path.join(PREPARED, spec["ids"]), "labels": os.path.join(PREPARED, spec["labels"])})
    if DEVICE != "cuda":
        plan["threadsPerProcess"] = os.cpu_count() or 1
    count = _steps(plan)
    plan.update(totalSteps=count, schedule=plan["schedule"][:count], lr=plan["lr"][:count], epochs=plan["epochs"][:count])
    plan_path = os.path.join(work, "plan.json")
    with open(plan_path, "w") as f:
        json.dump(plan, f)
    env = {k: v for k, v in os.environ.items() if k not in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "LOCAL_WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT")}
    proc = subprocess.run([sys.executable, os.path.join(PYTHON_DIR, "train.py"), plan_path], stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env)
    lines = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    steps = [line for line in lines if line["type"] == "step"]
    result = {"what": "UAL: @ual/trainer-torch's train.py (per-sample ε, chunked loss)", "gpu": _device_name(), "torch": torch.__version__}
    if proc.returncode != 0 or len(steps) != plan["totalSteps"]:
        result["error"] = f"train.py exited with {proc.returncode} after {len(steps)} of {plan['totalSteps']} steps: " + (proc.stderr[-1500:] or proc.stdout[-1500:])
        return _write(out_path, result)
    timed = steps[SKIP:] or steps
    peak = max(step.get("peakMemory", 0) for step in steps) if DEVICE == "cuda" else resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    ready = next(line for line in lines if line["type"] == "ready")
    result.update({"tokensPerSecond": sum(s["tokens"] for s in timed) / sum(s["seconds"] for s in timed), "peakGiB": peak / GIB,
                   "peakOf": "torch.cuda.max_memory_allocated, loading included" if DEVICE == "cuda" else "the process's peak RSS",
                   "steps": len(steps), "losses": [s["loss"] for s in steps], "epsilon": [s["epsilon"]["mean"] for s in steps],
                   "precision": ready["precision"], "trainable": ready["trainable"], "parameters": ready["parameters"],
                   "logs": [line["message"] for line in lines if line["type"] == "log"]})
    _write(out_path, result)


def hf(folder, out_path):
    """transformers + PEFT's ordinary training step on the plan's samples, in the plan's order; a
    failure (an API that moved, out of memory) is the phase's result, not a missing row."""
    try:
        _hf(folder, out_path)
    except Exception as error:  # noqa: BLE001 — reported in the table, whatever it is
        import traceback

        _write(out_path, {"what": "transformers + PEFT (plain cross-entropy)", "gpu": _device_name(), "torch": torch.__version__,
                          "error": f"{type(error).__name__}: {error}; " + traceback.format_exc()[-1200:]})


def _hf(folder, out_path):
    import time

    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    plan = _plan()
    batches = _batches(plan)[: _steps(plan)]
    # transformers ≥ 4.56 calls it dtype, earlier ones torch_dtype (an unknown keyword would load fp32)
    try:
        model = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.bfloat16, attn_implementation="sdpa")
    except TypeError:
        model = AutoModelForCausalLM.from_pretrained(folder, torch_dtype=torch.bfloat16, attn_implementation="sdpa")
    if model.dtype != torch.bfloat16:
        model = AutoModelForCausalLM.from_pretrained(folder, torch_dtype=torch.bfloat16, attn_implementation="sdpa")
    model = model.to(DEVICE)
    model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
    model.enable_input_require_grads()
    lora = plan["lora"]
    model = get_peft_model(model, LoraConfig(r=lora["r"], lora_alpha=lora["alpha"], target_modules=lora["targets"], lora_dropout=lora["dropout"], task_type="CAUSAL_LM"))
    model.train()
    params = [p for p in model.parameters() if p.requires_grad]
    optim = plan["optim"]
    optimizer = torch.optim.AdamW(params, lr=plan["lr"][0], betas=tuple(optim["betas"]), eps=optim["eps"], weight_decay=optim["weightDecay"])
    if DEVICE == "cuda":
        torch.cuda.reset_peak_memory_stats()
    times, losses, tokens = [], [], []
    for i, (ids, labels) in enumerate(batches):
        ids, labels = ids.to(DEVICE), labels.masked_fill(labels == -1, -100).to(DEVICE)
        if DEVICE == "cuda":
            torch.cuda.synchronize()
        t0 = time.perf_counter()
        for group in optimizer.param_groups:
            group["lr"] = plan["lr"][i]
        loss = model(input_ids=ids, labels=labels).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, plan["gradClip"])
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        losses.append(loss.item())
        if DEVICE == "cuda":
            torch.cuda.synchronize()
        times.append(time.perf_counter() - t0)
        tokens.append(ids.numel())
    peak = torch.cuda.max_memory_allocated() if DEVICE == "cuda" else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    _write(out_path, {"what": "transformers + PEFT (plain cross-entropy)", "tokensPerSecond": sum(tokens[SKIP:]) / sum(times[SKIP:]), "peakGiB": peak / GIB,
                      "peakOf": "torch.cuda.max_memory_allocated after loading" if DEVICE == "cuda" else "the process's peak RSS",
                      "steps": len(times), "losses": losses, "gpu": _device_name(), "torch": torch.__version__})


def make(folder, layers):
    from transformers import LlamaConfig, LlamaForCausalLM

    with open(os.path.join(HERE, "llama-7b", "config.json")) as f:
        config = LlamaConfig.from_dict({**json.load(f), "num_hidden_layers": int(layers)})
    with torch.device(DEVICE):  # initialised on the GPU (seconds), then bf16 as checkpoints ship
        model = LlamaForCausalLM(config).to(torch.bfloat16)
    model.save_pretrained(folder, safe_serialization=True)
    print(json.dumps({"made": folder, "layers": int(layers), "parameters": sum(p.numel() for p in model.parameters())}))


def parity(out_path):
    result = subprocess.run([sys.executable, os.path.join(HERE, "..", "python", "parity_transformers.py"), "cuda", "fp32", "bf16"], capture_output=True, text=True)
    with open(out_path, "w") as f:
        f.write(result.stdout if result.returncode == 0 else json.dumps({"error": result.stderr[-2000:]}))
    print(result.stdout or result.stderr[-2000:])


def table(directory):
    def load(name):
        try:
            with open(os.path.join(directory, name)) as f:
                return json.load(f)
        except (OSError, ValueError):
            return None

    u, h, p, m = load("ual.json"), load("hf.json"), load("parity.json"), load("make.json")
    plan = _plan()
    lora = plan["lora"]
    gpus = torch.cuda.device_count()
    device = f"{torch.cuda.get_device_name()} ×{gpus}" if DEVICE == "cuda" and gpus else DEVICE
    print(f"{device}; torch {torch.__version__}; model: Llama-2-7B shape, {m['layers'] if m else '?'} layers, random bf16 weights; "
          f"{plan['totalSteps']} steps of {len(plan['schedule'][0])} × {plan['examples']['offsets'][1]} tokens, micro-batch {plan['microBatchSize']}, "
          f"LoRA r {lora['r']} / alpha {lora['alpha']} on {', '.join(lora['targets'])}, dropout {lora['dropout']}, {plan['precision']}, gradient checkpointing; tokens/s over steps {SKIP + 1}-{plan['totalSteps']}")
    print()
    print("| step | tokens/s | peak GiB | loss at step 1 → last |")
    print("|---|---|---|---|")
    for r in (u, h):
        if r and "error" in r:
            print(f"| {r['what']} | error: {r['error'][:300]!r} | | |")
        elif r:
            print(f"| {r['what']} | {r['tokensPerSecond']:.0f} | {r['peakGiB']:.2f} ({r['peakOf']}) | {r['losses'][0]:.3f} → {r['losses'][-1]:.3f} |")
    if u and h and "error" not in u and "error" not in h:
        print(f"| UAL / transformers | {u['tokensPerSecond'] / h['tokensPerSecond']:.2f}× | {u['peakGiB'] / h['peakGiB']:.2f}× | |")
    print()
    print("| parity (relative max error) | logits | loss | LoRA gradients |")
    print("|---|---|---|---|")
    for name, r in ((p or {}).get("cases") or {}).items():
        print(f"| {name} | " + (" | ".join(f"{r[k]:.2e}" for k in ("logits", "loss", "loraGrad")) if "error" not in r else f"error: {r['error'][:120]} | | ") + " |")
    if p and "cases" not in p:
        print(f"parity: {json.dumps(p)[:300]}")
    print()
    print("2 processes: " + ("not part of this script (the prepared plan has one sample per step)" if gpus >= 2 else f"not run: this machine has {gpus} GPU"))


if __name__ == "__main__":
    {"parity": parity, "make": make, "ual": ual, "hf": hf, "table": table}[sys.argv[1]](*sys.argv[2:])
