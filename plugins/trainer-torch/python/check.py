#!/usr/bin/python3
"""What the tests compare with reference values (computed elsewhere, not here):

    python3 check.py loss <loss_reference.json>            per-sample loss, mean and its gradient
                                                           for every case and variant of @ual/nn's fixture
    python3 check.py logits <model folder> [<adapter folder>]  logits of the fixture's sequences
                                                           (adapters applied, and merged)

It prints one JSON object; the numbers are this package's PyTorch code's, float32.
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _loss import smoothed_cross_entropy_per_sample  # noqa: E402
from _models import PEFT_PREFIX, CausalLm  # noqa: E402
from _safetensors import read_safetensors  # noqa: E402


def loss(fixture):
    with open(fixture) as f:
        cases = json.load(f)["cases"]
    out = []
    for c in cases:
        variants = []
        for v in c["variants"]:
            logits = torch.tensor(c["logits"], dtype=torch.float32).reshape(c["shape"]).requires_grad_(True)
            labels = torch.tensor(c["labels"], dtype=torch.long)
            per = smoothed_cross_entropy_per_sample(logits, labels, torch.tensor(c["epsilon"]), v["convention"], v["denominator"])
            has = (labels[:, 1:] != -1).any(1)
            mean = (per * has).sum() / max(int(has.sum()), 1)
            mean.backward()
            variants.append({"convention": v["convention"], "denominator": v["denominator"], "perSample": per.tolist(),
                             "mean": mean.item(), "gradMean": logits.grad.reshape(-1).tolist()})
        out.append({"name": c["name"], "variants": variants})
    print(json.dumps({"cases": out}))


def logits(folder, adapter=None):
    with open(os.path.join(adapter or folder, "expected_logits.json")) as f:
        sequences = json.load(f)["sequences"]
    model = CausalLm(folder)
    if adapter is not None:
        with open(os.path.join(adapter, "adapter_config.json")) as f:
            config = json.load(f)
        model.attach_lora(config["r"], config["lora_alpha"], 0.0, config["target_modules"], 0)
        tensors, _ = read_safetensors(os.path.join(adapter, "adapter_model.safetensors"))
        for layer in model.lora:
            model.lora[layer] = (tensors[f"{PEFT_PREFIX}{layer}.lora_A.weight"], tensors[f"{PEFT_PREFIX}{layer}.lora_B.weight"])
    with torch.no_grad():
        adapted = model.logits(torch.tensor(sequences)).tolist()
        result = {"family": model.family, "logits": adapted}
        if adapter is not None:
            model.merge_lora()
            result["merged"] = model.logits(torch.tensor(sequences)).tolist()
    print(json.dumps(result))


if __name__ == "__main__":
    if sys.argv[1:2] == ["loss"] and len(sys.argv) == 3:
        loss(sys.argv[2])
    elif sys.argv[1:2] == ["logits"] and len(sys.argv) in (3, 4):
        logits(*sys.argv[2:])
    else:
        sys.stderr.write(__doc__)
        sys.exit(2)
