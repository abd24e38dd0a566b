"""Checkpoints: what `loadTrainedModel` reads (PEFT adapters, or an HF folder in the base's
dtype), the AdamW state, and trainer_state.json — written into a temporary directory beside the
final one, the state file last, then one rename: a kill at any moment leaves no step-N directory
or a complete one."""
import json
import os
import secrets
import shutil

import torch

from _safetensors import read_metadata, read_safetensors, write_safetensors


def _write_json(path, value):
    with open(path, "w") as f:
        f.write(json.dumps(value, indent=2) + "\n")
        f.flush()
        os.fsync(f.fileno())


def write_checkpoint(plan, model, optimizer, named, state):
    root = plan["checkpointsDir"]
    os.makedirs(root, exist_ok=True)
    step = state["step"]
    final = os.path.join(root, f"step-{step:06d}")
    temp = os.path.join(root, f".tmp-{step:06d}-{os.getpid()}-{secrets.token_hex(3)}")
    os.makedirs(temp)
    try:
        meta = {"format": "pt", "producer": "@ual/trainer-torch"}
        moments = {}
        if model.lora:
            # adapters in fp32, as PEFT saves them
            write_safetensors(os.path.join(temp, "adapter_model.safetensors"), model.adapter_tensors(), meta)
            lora = plan["lora"]
            adapter_config = {
                "peft_type": "LORA", "task_type": "CAUSAL_LM", "base_model_name_or_path": plan["init"],
                "r": lora["r"], "lora_alpha": lora["alpha"], "lora_dropout": lora["dropout"],
                "target_modules": lora["targets"], "bias": "none",
                # PEFT's flag for Conv1D layers (W stored [in, out]): only its merge transposes B·A
                "fan_in_fan_out": model.family == "gpt2", "inference_mode": True,
                "init_lora_weights": True, "modules_to_save": None,
            }
            _write_json(os.path.join(temp, "adapter_config.json"), adapter_config)
        else:
            # the base's dtype (a bf16 model stays a bf16 folder); the fp32 masters travel with
            # the optimizer state, so a resume continues from exactly the same weights
            stored = model.stored_dtype or torch.float32
            write_safetensors(os.path.join(temp, "model.safetensors"), {n: w.detach().to(stored) if w.is_floating_point() else w for n, w in model.weights.items()}, meta)
            if stored != torch.float32:
                moments.update({name + ".master": p for name, p in named})
        adam_step = 0
        for name, p in named:
            s = optimizer.state.get(p)
            if s:
                moments[name + ".exp_avg"] = s["exp_avg"]
                moments[name + ".exp_avg_sq"] = s["exp_avg_sq"]
                adam_step = int(float(s["step"]))
        write_safetensors(os.path.join(temp, "optimizer.safetensors"), moments, {"step": str(adam_step)})
        _write_json(os.path.join(temp, "config.json"), plan["checkpointConfig"])
        for src in plan.get("tokenizerFiles", []):
            shutil.copyfile(src, os.path.join(temp, os.path.basename(src)))
        _write_json(os.path.join(temp, "trainer_state.json"), {**state, "adamStep": adam_step})
        if os.path.exists(final):
            shutil.rmtree(final)
        os.rename(temp, final)
        fd = os.open(root, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    return final


def load_checkpoint(directory, model, optimizer, named):
    """The trained weights (fp32 masters where saved) and the AdamW state, onto their devices."""
    moments_path = os.path.join(directory, "optimizer.safetensors")
    moments, _ = read_safetensors(moments_path)
    if model.lora:
        tensors, _ = read_safetensors(os.path.join(directory, "adapter_model.safetensors"))
    else:
        tensors, _ = read_safetensors(os.path.join(directory, "model.safetensors"))
    for name, p in named:
        source = moments.get(name + ".master", tensors.get(name))
        if source is None:
            raise RuntimeError(f"{directory}: no tensor {name} in the checkpoint's weights")
        with torch.no_grad():
            p.copy_(source)
    step = int(read_metadata(moments_path).get("step", "0"))
    if step > 0:
        for name, p in named:
            optimizer.state[p] = {
                "step": torch.tensor(float(step)),
                "exp_avg": moments[name + ".exp_avg"].to(p.device),
                "exp_avg_sq": moments[name + ".exp_avg_sq"].to(p.device),
            }
