"""How much memory one training micro-batch needs, term by term, and the micro-batch size that
fits what the device has free (`microBatchSize: auto`).

The terms are counted from what the forward pass keeps for the backward pass (autograd's saved
tensors) in this package's model code, not fitted: per block and token, the residual stream and
the norms in fp32, the projections' inputs and outputs in the compute dtype, LoRA's dropout masks,
the attention probabilities [H, T, T] where attention is explicit (torch < 2.0), and the head's
logits [T, V] — whole, or one chunk of rows with the chunked loss. `legacy=True` counts the trainer
as it was before bf16, checkpointing and the chunked loss (fp32 everywhere, probabilities and
whole logits kept), for the README's before/after.
"""
import os

GIB = 1024 ** 3


def parameter_count(spec):
    """(total, {matrix name kind: (in, out)}) for one block, from the spec of _config.py."""
    d = spec["hidden"]
    if spec["family"] == "gpt2":
        block = {"c_attn": (d, 3 * d), "attn.c_proj": (d, d), "c_fc": (d, 4 * d), "mlp.c_proj": (4 * d, d)}
        per_block = sum(i * o for i, o in block.values()) + 9 * d + 4 * d
        total = spec["layers"] * per_block + spec["vocab"] * d + spec["context"] * d + 2 * d
        return total, block
    h, kv, dh, f = spec["heads"], spec["kv_heads"], spec["head_dim"], spec["ffn"]
    block = {"q_proj": (d, h * dh), "k_proj": (d, kv * dh), "v_proj": (d, kv * dh), "o_proj": (h * dh, d),
             "gate_proj": (d, f), "up_proj": (d, f), "down_proj": (f, d)}
    per_block = sum(i * o for i, o in block.values()) + 2 * d
    head = 0 if spec["tied"] else spec["vocab"] * d
    return spec["layers"] * per_block + spec["vocab"] * d + head + d, block


def estimate_step_memory(spec, batch, time, precision="bf16", lora=None, checkpointing=True, sdpa=True, legacy=False):
    """Bytes at the peak of one micro-batch's forward + backward + optimizer step, by term.

    `lora`: {"r", "targets"} or None (full fine-tuning: fp32 master weights, gradients and AdamW's
    two moments, 16 bytes per parameter). Returns {term: bytes, "total": bytes}."""
    c = 4 if precision == "fp32" or legacy else 2
    base = 4 if precision == "fp32" or legacy or lora is None else 2
    params, block = parameter_count(spec)
    d, layers, v = spec["hidden"], spec["layers"], spec["vocab"]
    tokens = batch * time
    out = {}
    if lora is None:
        out["weights"] = params * 4
        out["gradients + AdamW"] = params * 12
        trainable_inputs = list(block)
    else:
        out["weights"] = params * base
        targets = lora.get("targets") or (["c_attn"] if spec["family"] == "gpt2" else ["q_proj", "v_proj"])
        adapted = [k for k in block if any(k == t or k.endswith("." + t) or k.split(".")[-1] == t for t in targets)]
        lora_params = layers * sum(lora["r"] * (block[k][0] + block[k][1]) for k in adapted)
        out["LoRA + gradients + AdamW"] = lora_params * 16
        trainable_inputs = adapted
    # what one block keeps per token (bytes): residual input, norm outputs (fp32), the projections'
    # cast inputs and outputs (compute dtype), SwiGLU's four [f] tensors, the attention output
    if spec["family"] == "gpt2":
        per_token = 4 * d * 6 + c * (3 * d + 3 * d + 4 * d * 3 + d * 2)
        heads = spec["heads"]
    else:
        h, kv, dh, f = spec["heads"], spec["kv_heads"], spec["head_dim"], spec["ffn"]
        qd, kvd = h * dh, kv * dh
        per_token = 4 * d * 5 + c * (3 * d + qd + 2 * kvd) + 4 * (qd + kvd) + c * (qd + kvd) + c * 2 * qd + c * 2 * qd + c * 2 * d + c * 4 * f
        heads = h
    if lora is not None and lora.get("dropout", 0) > 0:
        per_token += 2 * 4 * sum(block[k][0] for k in trainable_inputs)  # the mask and the masked input, fp32
    probs = 0 if sdpa and not legacy else batch * heads * time * time * (12 + c)
    if checkpointing and not legacy:
        # the blocks' inputs, plus one block recomputed with everything it keeps and its backward's
        # transients: ×3 of the block's saved tensors, measured on the CPU (check.py memory: peak
        # RSS growth of a step was 1.3-1.8× the block's saved tensors alone)
        out["activations"] = layers * tokens * 4 * d + 3 * (tokens * per_token + probs)
    else:
        out["activations"] = layers * (tokens * per_token + probs)
    if legacy:
        out["logits + loss"] = tokens * v * 4 * 4  # logits, shifted copy, centred copy, softmax grad
    else:
        rows = min(tokens, max(16, min(4096, (1 << 25) // max(v, 1))))
        out["logits + loss"] = rows * v * 4 * 3 + tokens * d * 8
    out["workspace"] = 256 * 1024 ** 2
    out["total"] = sum(out.values())
    return out


def free_memory(device, local_world):
    """Bytes this process may still use: CUDA's free memory on its GPU, or on the CPU the
    host's available memory shared among this machine's processes."""
    if device.type == "cuda":
        import torch

        free, _ = torch.cuda.mem_get_info(device)
        return free, f"torch.cuda.mem_get_info: {free / GIB:.1f} GiB free on {torch.cuda.get_device_name(device)}"
    try:
        with open("/proc/meminfo") as f:
            info = {line.split(":")[0]: int(line.split()[1]) * 1024 for line in f}
        available = info["MemAvailable"] // max(1, local_world)
        return available, f"MemAvailable {info['MemAvailable'] / GIB:.1f} GiB over {local_world} process(es)"
    except (OSError, KeyError, ValueError):
        pages = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        return pages // max(1, local_world), "sysconf available pages"


def token_budget(spec, free, precision, lora, checkpointing, sdpa, longest, share=0.85):
    """The most padded tokens (rows × their longest length) a micro-batch may hold so that the
    step's activations fit `share` of the free memory (the weights are already loaded); at least
    one sample of `longest` tokens."""
    fixed = estimate_step_memory(spec, 1, 1, precision, lora, checkpointing, sdpa)
    weights = fixed["weights"]
    budget = share * free - (fixed["total"] - weights - fixed["activations"] - fixed["logits + loss"])
    lo, hi = 1, 1
    while hi < 1 << 22 and _activations(spec, hi, longest, precision, lora, checkpointing, sdpa) <= budget:
        lo, hi = hi, hi * 2
    while lo + 1 < hi:
        mid = (lo + hi) // 2
        if _activations(spec, mid, longest, precision, lora, checkpointing, sdpa) <= budget:
            lo = mid
        else:
            hi = mid
    return max(1, lo) * longest


def _activations(spec, batch, time, precision, lora, checkpointing, sdpa):
    e = estimate_step_memory(spec, batch, time, precision, lora, checkpointing, sdpa)
    return e["activations"] + e["logits + loss"]


if __name__ == "__main__":
    # python3 _memory.py: the 7B LoRA examples of the README (Llama-2-7B shape, q/v, r 8, T 1024)
    llama2 = {"family": "llama", "layers": 32, "heads": 32, "kv_heads": 32, "head_dim": 128, "hidden": 4096, "ffn": 11008,
              "vocab": 32000, "context": 4096, "tied": False}
    lora = {"r": 8, "targets": ["q_proj", "v_proj"], "dropout": 0.1}
    for title, kwargs in [("before (fp32, no checkpointing, explicit attention, whole logits)", {"legacy": True, "precision": "fp32"}),
                          ("after: bf16, checkpointing, SDPA, chunked loss", {}),
                          ("after, torch 1.13 (explicit attention)", {"sdpa": False}),
                          ("after, no checkpointing", {"checkpointing": False})]:
        for b in (1, 2):
            e = estimate_step_memory(llama2, b, 1024, lora=lora, **kwargs)
            print(f"{title}, micro-batch {b}: {e['total'] / GIB:.1f} GiB (" + ", ".join(f"{k} {x / GIB:.2f}" for k, x in e.items() if k != "total") + ")")
