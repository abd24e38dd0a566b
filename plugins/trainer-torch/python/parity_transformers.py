#!/usr/bin/env python3
"""Parity with Hugging Face transformers (+ PEFT): for each supported Llama-family architecture,
a small model with random weights is built by transformers, saved with save_pretrained
(safetensors), loaded by this package's CausalLm, and compared: the logits, and the gradients of
one LoRA step (r 8, alpha 16, q/v; plain cross-entropy, ε = 0, so both sides compute the same loss).

    python3 parity_transformers.py [cpu|cuda] [fp32|bf16 ...]

Prints one JSON object; {"skipped": reason} where transformers or peft is not importable (Debian
has no transformers: the CPU test skips here; the GPU check of ../gpu runs it). Errors are
relative: max |ours − theirs| / max |theirs|.
"""
import json
import os
import sys
import tempfile

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

CASES = {
    "llama (GQA)": ("LlamaConfig", "LlamaForCausalLM", {}),
    "llama 3.1 (rope_scaling llama3)": ("LlamaConfig", "LlamaForCausalLM", {"rope_theta": 500000.0, "rope_scaling": {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0, "original_max_position_embeddings": 16}}),
    "mistral (sliding_window 8)": ("MistralConfig", "MistralForCausalLM", {"sliding_window": 8}),
    "qwen2 (q/k/v biases)": ("Qwen2Config", "Qwen2ForCausalLM", {}),
}


def _relative(ours, theirs):
    return ((ours.float() - theirs.float()).abs().max() / theirs.float().abs().max().clamp(min=1e-30)).item()


def run_case(name, device, precision, work):
    import transformers
    from peft import LoraConfig, get_peft_model

    from _loss import head_loss
    from _models import PEFT_PREFIX, CausalLm

    config_name, model_name, extra = CASES[name]
    config = getattr(transformers, config_name)(vocab_size=128, hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                                                num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=256,
                                                rms_norm_eps=1e-5, tie_word_embeddings=False, **extra)
    torch.manual_seed(0)
    reference = getattr(transformers, model_name)(config).to(device)
    with torch.no_grad():
        for p in reference.parameters():  # bias and norm weights away from their init, so they count
            if p.dim() == 1:
                p.add_(torch.randn_like(p) * 0.1)
    folder = os.path.join(work, name.split()[0] + "-" + precision)
    reference.save_pretrained(folder, safe_serialization=True)
    dtype = torch.bfloat16 if precision == "bf16" else torch.float32
    reference = reference.to(dtype).eval()
    ids = torch.randint(0, 128, (2, 24), generator=torch.Generator().manual_seed(1)).to(device)
    ours = CausalLm(folder, device=device, base_dtype=None if precision == "fp32" else dtype)
    autocast = torch.autocast(device_type=torch.device(device).type, dtype=dtype, enabled=precision != "fp32")
    with torch.no_grad():
        theirs_logits = reference(input_ids=ids).logits
        with autocast:
            ours_logits = ours.logits(ids)
    out = {"logits": _relative(ours_logits, theirs_logits)}

    lora = LoraConfig(r=8, lora_alpha=16, target_modules=["q_proj", "v_proj"], lora_dropout=0.0, bias="none", task_type="CAUSAL_LM")
    peft_model = get_peft_model(reference, lora)
    for n, p in peft_model.named_parameters():
        if "lora_B" in n:
            with torch.no_grad():
                p.copy_(torch.randn(p.shape, generator=torch.Generator().manual_seed(hash(n) % 1000)) * 0.05)
    peft_model.train()
    loss_theirs = peft_model(input_ids=ids[:1], labels=ids[:1]).loss
    loss_theirs.backward()
    theirs_grads = {n.replace(".default", ""): p.grad for n, p in peft_model.named_parameters() if p.grad is not None}
    ours.attach_lora(8, 16, 0.0, ["q_proj", "v_proj"], 0)
    peft_params = dict(peft_model.named_parameters())
    for layer, (a, b) in ours.lora.items():
        with torch.no_grad():
            a.copy_(peft_params[f"{PEFT_PREFIX}{layer}.lora_A.default.weight"].float())
            b.copy_(peft_params[f"{PEFT_PREFIX}{layer}.lora_B.default.weight"].float())
    with autocast:
        hidden = ours.hidden_states(ids[:1])
        one = torch.ones(1, device=device)
        loss_ours = head_loss(hidden, ours.head_weight(), ids[:1], 0 * one, one, "reference", "targets", dtype)
    loss_ours.backward()
    worst = 0.0
    for n, p in ours.adapter_tensors().items():
        worst = max(worst, _relative(p.grad, theirs_grads[n]))
    out["loss"] = abs(loss_ours.item() - loss_theirs.item()) / abs(loss_theirs.item())
    out["loraGrad"] = worst
    return out


def main():
    device = sys.argv[1] if len(sys.argv) > 1 else "cpu"
    precisions = sys.argv[2:] or ["fp32"]
    try:
        import peft  # noqa: F401
        import transformers
    except ImportError as error:
        print(json.dumps({"skipped": f"{error.name} is not importable here"}))
        return
    results = {"transformers": transformers.__version__, "torch": torch.__version__, "device": device, "cases": {}}
    with tempfile.TemporaryDirectory() as work:
        for precision in precisions:
            for name in CASES:
                try:
                    results["cases"][f"{name} {precision}"] = run_case(name, device, precision, work)
                except Exception as error:  # one architecture's failure is a result, not the end
                    results["cases"][f"{name} {precision}"] = {"error": f"{type(error).__name__}: {error}"}
    print(json.dumps(results))


if __name__ == "__main__":
    main()
