"""Helpers of the CPU checks (check.py) and the GPU check (../gpu/): random Hugging Face model
folders of a given shape, and a guard that fails on any op mixing tensors of two devices."""
import json
import os

import torch
from torch.overrides import TorchFunctionMode

from _safetensors import write_safetensors_from


def llama_config(**overrides):
    config = {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": 96, "hidden_size": 32,
              "intermediate_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
              "max_position_embeddings": 64, "rms_norm_eps": 1e-5, "rope_theta": 10000.0, "hidden_act": "silu",
              "tie_word_embeddings": False}
    config.update(overrides)
    return config


def llama_shapes(c):
    d, f, h = c["hidden_size"], c["intermediate_size"], c["num_attention_heads"]
    kv = c.get("num_key_value_heads") or h
    dh = c.get("head_dim") or d // h
    bias = c["architectures"][0] == "Qwen2ForCausalLM" or c.get("attention_bias") is True
    shapes = [("model.embed_tokens.weight", (c["vocab_size"], d))]
    for i in range(c["num_hidden_layers"]):
        p = f"model.layers.{i}."
        shapes += [(p + "input_layernorm.weight", (d,)), (p + "self_attn.q_proj.weight", (h * dh, d)),
                   (p + "self_attn.k_proj.weight", (kv * dh, d)), (p + "self_attn.v_proj.weight", (kv * dh, d)),
                   (p + "self_attn.o_proj.weight", (d, h * dh)), (p + "post_attention_layernorm.weight", (d,)),
                   (p + "mlp.gate_proj.weight", (f, d)), (p + "mlp.up_proj.weight", (f, d)), (p + "mlp.down_proj.weight", (d, f))]
        if bias:
            shapes += [(p + "self_attn.q_proj.bias", (h * dh,)), (p + "self_attn.k_proj.bias", (kv * dh,)), (p + "self_attn.v_proj.bias", (kv * dh,))]
    shapes.append(("model.norm.weight", (d,)))
    if not c.get("tie_word_embeddings"):
        shapes.append(("lm_head.weight", (c["vocab_size"], d)))
    return shapes


def _random_tensor(name, shape, g, device):
    if len(shape) == 1 and name.endswith("norm.weight"):
        return 1 + 0.1 * torch.randn(shape, generator=g, device=device)
    return torch.randn(shape, generator=g, device=device) * (0.5 / shape[-1] ** 0.5 if len(shape) == 2 else 0.1)


def write_random_model(folder, config, seed=0, dtype=torch.float32, device="cpu", shard_bytes=None):
    """A random Llama-family folder (config.json + model.safetensors) in `dtype`. With
    `shard_bytes`, in shards of at most that size (or one tensor) and their index, as transformers
    saves large models. Written one tensor at a time: a 7B-shaped model needs one tensor's memory."""
    os.makedirs(folder, exist_ok=True)
    g = torch.Generator(device=device).manual_seed(seed)
    size = torch.empty(0, dtype=dtype).element_size()
    shards, at = [[]], 0
    for name, shape in llama_shapes(config):
        n = size * int(torch.Size(shape).numel())
        if shard_bytes is not None and shards[-1] and at + n > shard_bytes:
            shards.append([])
            at = 0
        shards[-1].append((name, shape))
        at += n
    files = ["model.safetensors"] if len(shards) == 1 else [f"model-{i + 1:05d}-of-{len(shards):05d}.safetensors" for i in range(len(shards))]
    for file, members in zip(files, shards):
        # made in file order, as before: the same seed gives the same weights sharded or not
        entries = [(name, dtype, shape, lambda name=name, shape=shape: _random_tensor(name, shape, g, device).to(dtype)) for name, shape in members]
        write_safetensors_from(os.path.join(folder, file), entries, {"format": "pt"})
    if len(files) > 1:
        index = {"metadata": {}, "weight_map": {name: file for file, members in zip(files, shards) for name, _ in members}}
        with open(os.path.join(folder, "model.safetensors.index.json"), "w") as f:
            json.dump(index, f)
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(config, f)
    return folder


class SameDevice(TorchFunctionMode):
    """Raises on any torch call whose tensor arguments live on two devices (a 0-dim CPU tensor
    excepted, which CUDA ops accept as a scalar). With the weights on the `meta` device this
    catches, on a CPU-only machine, every op that would fail on CUDA — and some that torch 1.13's
    meta kernels let through (matmul, cat, masked_fill)."""

    def __init__(self):
        super().__init__()
        self.calls = 0

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        devices = set()

        def visit(a):
            if isinstance(a, torch.Tensor):
                if not (a.dim() == 0 and a.device.type == "cpu"):
                    devices.add(str(a.device))
            elif isinstance(a, (list, tuple)):
                for x in a:
                    visit(x)

        for a in args:
            visit(a)
        for a in kwargs.values():
            visit(a)
        self.calls += 1
        name = getattr(func, "__name__", str(func))
        if len(devices) > 1:
            raise RuntimeError(f"mixed devices {sorted(devices)} in {name}")
        if devices == {"meta"} and name in ("nonzero", "bincount"):
            return _meta_shape(name, args, kwargs)
        return func(*args, **kwargs)


def _meta_shape(name, args, kwargs):
    """Meta kernels cannot know a data-dependent size: every position selected (nonzero), and
    `minlength` bins (bincount) stand in for it — the shapes flow on, and so does the check."""
    x = args[0]
    if name == "nonzero":
        count = x.numel()
        if kwargs.get("as_tuple") or (len(args) > 1 and args[1]):
            return tuple(torch.empty(count, dtype=torch.long, device="meta") for _ in range(x.dim()))
        return torch.empty(count, x.dim(), dtype=torch.long, device="meta")
    return torch.empty(int(kwargs.get("minlength", args[2] if len(args) > 2 else 0)), dtype=torch.long, device="meta")
