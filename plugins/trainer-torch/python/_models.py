"""GPT-2 and Llama-family causal LMs in plain PyTorch, written from the architectures (as
packages/models/fixtures/make_parity_fixtures.py describes them), with the Hugging Face tensor
names, and LoRA adapters as PEFT applies them.

- GPT-2 (`GPT2LMHeadModel`): learned positions, pre-LayerNorm blocks, Conv1D weights stored
  [in, out], GELU with the tanh approximation, the head tied to the token embedding.
- Llama family (`LlamaForCausalLM`, `MistralForCausalLM`, `Qwen2ForCausalLM`): RMSNorm, rotary
  embeddings ("rotate half", inverse frequencies theta^(-2j/d)), grouped-query attention, SwiGLU
  MLP, nn.Linear weights stored [out, in]; Qwen2 (or `attention_bias`) adds q/k/v biases.
- LoRA (spec §5.2): y = base(x) + (alpha / r) * B(A(dropout(x))), A [r, in], B [out, r] on every
  family (GPT-2's Conv1D included: PEFT's `fan_in_fan_out` only changes how the update merges).
"""
import json
import math
import os
import re

import torch
import torch.nn.functional as F

from _safetensors import read_model_folder

GPT2_ARCHITECTURES = ("GPT2LMHeadModel",)
LLAMA_ARCHITECTURES = ("LlamaForCausalLM", "MistralForCausalLM", "Qwen2ForCausalLM")
SUPPORTED = GPT2_ARCHITECTURES + LLAMA_ARCHITECTURES

# the block layers LoRA may adapt (embeddings and the head stay frozen, spec §5.2)
_GPT2_LAYER = re.compile(r"^transformer\.h\.\d+\.(attn\.c_attn|attn\.c_proj|mlp\.c_fc|mlp\.c_proj)\.weight$")
_LLAMA_LAYER = re.compile(r"^model\.layers\.\d+\.((self_attn|mlp)\.[a-z]+_proj)\.weight$")
PEFT_PREFIX = "base_model.model."


class UnknownArchitecture(ValueError):
    pass


def read_config(folder):
    path = os.path.join(folder, "config.json")
    try:
        with open(path) as f:
            config = json.load(f)
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: missing; init must be a Hugging Face model folder (config.json + model.safetensors)") from None
    architectures = config.get("architectures") or ["(none)"]
    architecture = str(architectures[0])
    if architecture not in SUPPORTED:
        raise UnknownArchitecture(f"{path}: architecture {architecture} is not supported (supported: {', '.join(SUPPORTED)})")
    if architecture in LLAMA_ARCHITECTURES:
        if config.get("rope_scaling") is not None:
            raise UnknownArchitecture(f"{path}: rope_scaling {json.dumps(config['rope_scaling'])} is not supported; only plain RoPE is")
        if config.get("hidden_act", "silu") != "silu":
            raise UnknownArchitecture(f"{path}: hidden_act {config['hidden_act']!r} is not supported; the SwiGLU MLP uses silu")
    return config, ("gpt2" if architecture in GPT2_ARCHITECTURES else "llama")


class CausalLm:
    """A model whose weights are a dict of tensors under their Hugging Face names."""

    def __init__(self, folder):
        self.config, self.family = read_config(folder)
        raw = read_model_folder(folder)
        c = self.config
        weights = {}
        if self.family == "gpt2":
            for name, t in raw.items():
                # buffers (causal masks) and the duplicate of the tied head are not weights
                if re.search(r"(^|\.)attn\.(masked_)?bias$", name) or name == "lm_head.weight":
                    continue
                weights[name if name.startswith("transformer.") else "transformer." + name] = t.float()
            self.layers = c["n_layer"]
            self.heads = c["n_head"]
            self.eps = c.get("layer_norm_epsilon", 1e-5)
        else:
            self.tied = c.get("tie_word_embeddings", False) is True
            for name, t in raw.items():
                if name.endswith(".rotary_emb.inv_freq") or (self.tied and name == "lm_head.weight"):
                    continue
                weights[name] = t.float()
            self.layers = c["num_hidden_layers"]
            self.heads = c["num_attention_heads"]
            self.kv_heads = c.get("num_key_value_heads") or self.heads
            self.head_dim = c.get("head_dim") or c["hidden_size"] // self.heads
            self.eps = c.get("rms_norm_eps", 1e-6)
            self.theta = c.get("rope_theta", 10000.0)
            self.bias = c["architectures"][0] == "Qwen2ForCausalLM" or c.get("attention_bias") is True
        self.weights = weights
        self.lora = {}  # module name -> (A, B)
        self.lora_scale = 0.0
        self.lora_dropout = 0.0
        self._rope_cache = {}

    @property
    def vocab(self):
        key = "transformer.wte.weight" if self.family == "gpt2" else "model.embed_tokens.weight"
        return self.weights[key].shape[0]

    # ── LoRA ──────────────────────────────────────────────────────────────────────────────
    def adaptable_layers(self):
        pattern = _GPT2_LAYER if self.family == "gpt2" else _LLAMA_LAYER
        out = []
        for name, w in self.weights.items():
            m = pattern.match(name)
            if m is None:
                continue
            rows, cols = w.shape
            # Conv1D stores [in, out]; nn.Linear [out, in]
            in_dim, out_dim = (rows, cols) if self.family == "gpt2" else (cols, rows)
            out.append((name[: -len(".weight")], m.group(1), in_dim, out_dim))
        return out

    def attach_lora(self, r, alpha, dropout, targets, seed):
        """A ~ U(±1/√in) (PEFT's kaiming_uniform(a=√5)), B = 0, so the output starts unchanged."""
        layers = self.adaptable_layers()
        kinds = sorted({k for _, k, _, _ in layers})
        match = lambda layer, t: layer == t or layer.endswith("." + t)  # PEFT's target_modules rule
        for t in targets:
            if not any(match(layer, t) for layer, _, _, _ in layers):
                raise ValueError(f"lora target {t!r} matches no layer of this {self.family} model; its adaptable layers (in every block) are {', '.join(kinds)}")
        generator = torch.Generator().manual_seed(int(seed))
        for layer, _, in_dim, out_dim in layers:
            if not any(match(layer, t) for t in targets):
                continue
            bound = 1.0 / math.sqrt(in_dim)
            a = (torch.rand(r, in_dim, generator=generator, dtype=torch.float64) * 2 - 1).mul_(bound).float()
            self.lora[layer] = (a, torch.zeros(out_dim, r))
        self.lora_scale = alpha / r
        self.lora_dropout = dropout

    def adapter_tensors(self):
        out = {}
        for layer, (a, b) in self.lora.items():
            out[f"{PEFT_PREFIX}{layer}.lora_A.weight"] = a
            out[f"{PEFT_PREFIX}{layer}.lora_B.weight"] = b
        return out

    def trainable(self):
        """(name, tensor) of what gets gradients: the adapters, or every weight."""
        return list(self.adapter_tensors().items()) if self.lora else list(self.weights.items())

    def merge_lora(self):
        """W += scale·B·A (Conv1D: (B·A)ᵀ, PEFT's fan_in_fan_out), for inference checks."""
        for layer, (a, b) in self.lora.items():
            update = (b.double() @ a.double()) * self.lora_scale
            w = self.weights[layer + ".weight"]
            self.weights[layer + ".weight"] = (w.double() + (update.T if self.family == "gpt2" else update)).float()
        self.lora = {}

    # ── forward ───────────────────────────────────────────────────────────────────────────
    def _adapt(self, layer, x, y, dropout):
        pair = self.lora.get(layer)
        if pair is None:
            return y
        a, b = pair
        if dropout is not None and self.lora_dropout > 0:
            x = x * dropout.mask(x.shape[-1], self.lora_dropout)
        return y + ((x @ a.T) @ b.T) * self.lora_scale

    def _conv1d(self, layer, x, dropout):
        w = self.weights
        return self._adapt(layer, x, x @ w[layer + ".weight"] + w[layer + ".bias"], dropout)

    def _linear(self, layer, x, dropout):
        w = self.weights
        y = x @ w[layer + ".weight"].T
        if layer + ".bias" in w:
            y = y + w[layer + ".bias"]
        return self._adapt(layer, x, y, dropout)

    def logits(self, ids, dropout=None):
        """ids [B, T] (right-padded: causal attention never looks at the later pad positions)."""
        return self._gpt2(ids, dropout) if self.family == "gpt2" else self._llama(ids, dropout)

    def _attention(self, q, k, v):
        # q [B, H, T, dh], k/v [B, H, T, dh]
        t = q.shape[2]
        scores = (q @ k.transpose(-1, -2)) / math.sqrt(q.shape[-1])
        causal = torch.ones(t, t, dtype=torch.bool).triu(1)
        scores = scores.masked_fill(causal, float("-inf"))
        return torch.softmax(scores, -1) @ v

    def _gpt2(self, ids, dropout):
        w = self.weights
        batch, time = ids.shape
        d = w["transformer.wte.weight"].shape[1]
        dh = d // self.heads
        x = w["transformer.wte.weight"][ids] + w["transformer.wpe.weight"][:time]
        for i in range(self.layers):
            p = f"transformer.h.{i}."
            a = F.layer_norm(x, (d,), w[p + "ln_1.weight"], w[p + "ln_1.bias"], self.eps)
            qkv = self._conv1d(p + "attn.c_attn", a, dropout)
            q, k, v = (z.view(batch, time, self.heads, dh).transpose(1, 2) for z in qkv.split(d, dim=-1))
            o = self._attention(q, k, v).transpose(1, 2).reshape(batch, time, d)
            x = x + self._conv1d(p + "attn.c_proj", o, dropout)
            m = F.layer_norm(x, (d,), w[p + "ln_2.weight"], w[p + "ln_2.bias"], self.eps)
            x = x + self._conv1d(p + "mlp.c_proj", F.gelu(self._conv1d(p + "mlp.c_fc", m, dropout), approximate="tanh"), dropout)
        x = F.layer_norm(x, (d,), w["transformer.ln_f.weight"], w["transformer.ln_f.bias"], self.eps)
        return x @ w["transformer.wte.weight"].T

    def _rope(self, time):
        if time not in self._rope_cache:
            dh = self.head_dim
            inv = 1.0 / self.theta ** (torch.arange(0, dh, 2, dtype=torch.float64) / dh)
            angle = torch.arange(time, dtype=torch.float64)[:, None] * inv[None, :]
            self._rope_cache[time] = (torch.cos(angle).float(), torch.sin(angle).float())
        return self._rope_cache[time]

    def _llama(self, ids, dropout):
        w = self.weights
        batch, time = ids.shape
        nh, nkv, dh = self.heads, self.kv_heads, self.head_dim
        cos, sin = self._rope(time)

        def rms(x, g):
            return x * torch.rsqrt((x * x).mean(-1, keepdim=True) + self.eps) * g

        def rope(z):  # [B, H, T, dh]: pairs (j, j + dh/2) rotated by t·inv[j]
            z1, z2 = z[..., : dh // 2], z[..., dh // 2:]
            return torch.cat([z1 * cos - z2 * sin, z2 * cos + z1 * sin], -1)

        x = w["model.embed_tokens.weight"][ids]
        for i in range(self.layers):
            p = f"model.layers.{i}."
            a = rms(x, w[p + "input_layernorm.weight"])
            q = rope(self._linear(p + "self_attn.q_proj", a, dropout).view(batch, time, nh, dh).transpose(1, 2))
            k = rope(self._linear(p + "self_attn.k_proj", a, dropout).view(batch, time, nkv, dh).transpose(1, 2))
            v = self._linear(p + "self_attn.v_proj", a, dropout).view(batch, time, nkv, dh).transpose(1, 2)
            if nkv != nh:  # grouped-query attention: query head h reads key/value head h // (nh / nkv)
                k = k.repeat_interleave(nh // nkv, 1)
                v = v.repeat_interleave(nh // nkv, 1)
            o = self._attention(q, k, v).transpose(1, 2).reshape(batch, time, nh * dh)
            x = x + self._linear(p + "self_attn.o_proj", o, dropout)
            m = rms(x, w[p + "post_attention_layernorm.weight"])
            g = self._linear(p + "mlp.gate_proj", m, dropout)
            x = x + self._linear(p + "mlp.down_proj", F.silu(g) * self._linear(p + "mlp.up_proj", m, dropout), dropout)
        x = rms(x, w["model.norm.weight"])
        head = w["model.embed_tokens.weight"] if self.tied else w["lm_head.weight"]
        return x @ head.T


class SequenceDropout:
    """LoRA dropout masks drawn per sample from its own generator (seeded from the run's seed, the
    step and the sample's position in the global batch), one [length, in] draw per adapted layer
    in forward order, pad rows kept — so a sample's masks do not depend on which process, micro-
    batch or padding it is in, and a resumed run draws what an uninterrupted one would."""

    def __init__(self, seeds, lengths, time):
        self.generators = [torch.Generator().manual_seed(int(s)) for s in seeds]
        self.lengths = lengths
        self.time = time

    def mask(self, width, p):
        keep = 1.0 - p
        out = torch.ones(len(self.generators), self.time, width)
        for b, (g, n) in enumerate(zip(self.generators, self.lengths)):
            out[b, :n] = (torch.rand(n, width, generator=g) < keep).float() / keep
        return out
