#!/usr/bin/env python3
"""The GPU check of issue 15 (NOT RUN YET: no GPU was lent when it was written). For a machine
with one or more NVIDIA GPUs and Python with torch 2.x, transformers and peft; no Node, no
internet. run_check.sh runs the phases in order, each in its own process (so each peak memory is
its own), and `table` prints the one table:

    check_gpu.py parity <out.json>            transformers parity on CUDA, fp32 and bf16
    check_gpu.py make <model dir> <layers>    a Llama-2-7B-shaped model (random bf16 weights) saved by transformers
    check_gpu.py ual <model dir> <out.json>   UAL LoRA steps (this package's model + chunked loss + AdamW)
    check_gpu.py hf <model dir> <out.json>    the same with transformers + PEFT's ordinary step
    check_gpu.py table <dir of results>       the table

Both steps: LoRA r 8, alpha 16, q/v, dropout 0.1, bf16, SDPA, gradient checkpointing, context
1024, micro-batch 1, one sample per optimizer step, AdamW lr 1e-4; UAL with per-sample ε drawn in
[0, 0.3], transformers with plain cross-entropy. tokens/s over steps 4..STEPS, peak =
torch.cuda.max_memory_allocated.
"""
import json
import os
import subprocess
import sys
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "python"))
STEPS, CONTEXT = 20, 1024
SHAPE = {"vocab_size": 32000, "hidden_size": 4096, "intermediate_size": 11008, "num_attention_heads": 32, "num_key_value_heads": 32,
         "max_position_embeddings": 4096, "rms_norm_eps": 1e-5, "rope_theta": 10000.0, "tie_word_embeddings": False}


def _data():
    g = torch.Generator().manual_seed(0)
    ids = torch.randint(3, 32000, (STEPS, CONTEXT), generator=g)
    eps = torch.rand(STEPS, generator=g) * 0.3
    return ids, eps


def _measure(step, out_path, what):
    ids, eps = _data()
    torch.cuda.reset_peak_memory_stats()
    times = []
    for i in range(STEPS):
        torch.cuda.synchronize()
        t0 = time.perf_counter()
        loss = step(ids[i:i + 1].cuda(), float(eps[i]))
        torch.cuda.synchronize()
        times.append(time.perf_counter() - t0)
    timed = times[3:]
    result = {"what": what, "tokensPerSecond": CONTEXT * len(timed) / sum(timed), "peakGiB": torch.cuda.max_memory_allocated() / 1024 ** 3,
              "lastLoss": loss, "gpu": torch.cuda.get_device_name(), "torch": torch.__version__}
    with open(out_path, "w") as f:
        json.dump(result, f)
    print(json.dumps(result))


def _update(loss, params, optimizer):
    """The optimizer update both sides time alike: backward, clip to 1.0, AdamW, clear."""
    loss.backward()
    torch.nn.utils.clip_grad_norm_(params, 1.0)
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)
    return loss.item()


def ual(folder, out_path):
    from _loss import head_loss
    from _models import CausalLm, SequenceDropout

    model = CausalLm(folder, device="cuda", base_dtype=torch.bfloat16)
    model.attach_lora(8, 16, 0.1, ["q_proj", "v_proj"], 1337)
    model.checkpointing = True
    params = [p for _, p in model.trainable()]
    optimizer = torch.optim.AdamW(params, lr=1e-4)
    one = torch.ones(1, device="cuda")
    counter = {"step": 0}

    def step(ids, eps):
        counter["step"] += 1
        dropout = SequenceDropout([counter["step"]], [CONTEXT], CONTEXT, "cuda")
        with torch.autocast("cuda", dtype=torch.bfloat16):
            hidden = model.hidden_states(ids, dropout)
            loss = head_loss(hidden, model.head_weight(), ids, eps * one, one, "reference", "targets", torch.bfloat16)
        return _update(loss, params, optimizer)

    _measure(step, out_path, "UAL trainer-torch (per-sample ε, chunked loss)")


def hf(folder, out_path):
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.bfloat16, attn_implementation="sdpa").cuda()
    model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
    model.enable_input_require_grads()
    model = get_peft_model(model, LoraConfig(r=8, lora_alpha=16, target_modules=["q_proj", "v_proj"], lora_dropout=0.1, task_type="CAUSAL_LM"))
    model.train()
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=1e-4)

    def step(ids, eps):
        loss = model(input_ids=ids, labels=ids).loss
        return _update(loss, params, optimizer)

    _measure(step, out_path, "transformers + PEFT (plain cross-entropy)")


def make(folder, layers):
    from transformers import LlamaConfig, LlamaForCausalLM

    config = LlamaConfig(num_hidden_layers=int(layers), **SHAPE)
    with torch.device("cuda"):  # initialised on the GPU (seconds), then bf16 as checkpoints ship
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
    gpus = torch.cuda.device_count()
    print(f"GPU: {torch.cuda.get_device_name() if gpus else '(none)'} ×{gpus}; torch {torch.__version__}; model: Llama-2-7B shape, {m['layers'] if m else '?'} layers, random bf16 weights; context {CONTEXT}, micro-batch 1, LoRA r8/α16 q,v, dropout 0.1")
    print("| step | tokens/s | peak GiB |")
    print("|---|---|---|")
    for r in (u, h):
        if r:
            print(f"| {r['what']} | {r['tokensPerSecond']:.0f} | {r['peakGiB']:.2f} |")
    if u and h:
        print(f"| UAL / transformers | {u['tokensPerSecond'] / h['tokensPerSecond']:.2f}× | {u['peakGiB'] / h['peakGiB']:.2f}× |")
    print()
    print("| parity (relative max error) | logits | loss | LoRA gradients |")
    print("|---|---|---|---|")
    for name, r in ((p or {}).get("cases") or {}).items():
        print(f"| {name} | " + (" | ".join(f"{r[k]:.2e}" for k in ("logits", "loss", "loraGrad")) if "error" not in r else f"error: {r['error'][:120]} | | ") + " |")
    if p and "cases" not in p:
        print(f"parity: {json.dumps(p)[:300]}")
    print()
    print("2 processes: " + ("run trainer-torch with nprocPerNode 2 (not part of this script)" if gpus >= 2 else f"not run: this machine has {gpus} GPU"))


if __name__ == "__main__":
    {"parity": parity, "make": make, "ual": ual, "hf": hf, "table": table}[sys.argv[1]](*sys.argv[2:])
