"""GPT-2 and Llama-family causal LMs in plain PyTorch, written from the architectures (as
packages/models/fixtures/make_parity_fixtures.py describes them), with the Hugging Face tensor
names, and LoRA adapters as PEFT applies them.

- GPT-2 (`GPT2LMHeadModel`): learned positions, pre-LayerNorm blocks, Conv1D weights stored
  [in, out], GELU with the tanh approximation, the head tied to the token embedding.
- Llama family (`LlamaForCausalLM`, `MistralForCausalLM`, `Qwen2ForCausalLM`): RMSNorm, rotary
  embeddings ("rotate half"; plain, linear or llama3-scaled inverse frequencies), grouped-query
  attention, Mistral's sliding window, SwiGLU MLP, nn.Linear weights stored [out, in]; Qwen2 (or
  `attention_bias`) adds q/k/v biases. What config.json may say: _config.py.
- LoRA (spec §5.2): y = base(x) + (alpha / r) * B(A(dropout(x))), A [r, in], B [out, r] on every
  family (GPT-2's Conv1D included: PEFT's `fan_in_fan_out` only changes how the update merges).

Devices and precision: every tensor the forward pass makes (RoPE tables, masks, dropout masks) is
made on the device of the weights. Frozen base matrices keep a 16-bit dtype under bf16/fp16
(the checkpoint's own, or the compute dtype when it was stored in fp32); norms, biases, LoRA and
fully trained weights are fp32 parameters; matmuls run under the caller's autocast; the residual
stream, norms and RoPE are computed in fp32.
"""
import contextlib
import math
import re

import torch
import torch.nn.functional as F
from torch.utils.checkpoint import checkpoint

from _config import read_config
from _safetensors import iter_model_folder

# the block layers LoRA may adapt (embeddings and the head stay frozen, spec §5.2)
_GPT2_LAYER = re.compile(r"^transformer\.h\.\d+\.(attn\.c_attn|attn\.c_proj|mlp\.c_fc|mlp\.c_proj)\.weight$")
_LLAMA_LAYER = re.compile(r"^model\.layers\.\d+\.((self_attn|mlp)\.[a-z]+_proj)\.weight$")
PEFT_PREFIX = "base_model.model."
HAS_SDPA = hasattr(F, "scaled_dot_product_attention")  # torch ≥ 2.0


def _key(name):
    return name.replace(".", "__")  # ParameterDict keys may not contain dots


class CausalLm(torch.nn.Module):
    """A model whose weights are a dict of tensors under their Hugging Face names.

    `device`: where every weight goes as it is read (one tensor at a time, memory-mapped).
    `base_dtype`: the dtype of frozen matrices (None: float32). `full`: every weight becomes a
    float32 parameter (full fine-tuning keeps fp32 master weights)."""

    def __init__(self, folder, device="cpu", base_dtype=None, full=False):
        super().__init__()
        self.config, self.spec = read_config(folder)
        self.family = self.spec["family"]
        self.device = torch.device(device)
        self.params = torch.nn.ParameterDict()
        self.stored_dtype = None
        weights = {}
        for name, t in iter_model_folder(folder, lambda name, t: self._place(name, t, base_dtype, full)):
            name = self._hf_name(name)
            if name is None:
                continue
            if full and t.is_floating_point():
                t = torch.nn.Parameter(t, requires_grad=True)
                self.params[_key(name)] = t
            weights[name] = t
        self.weights = weights
        s = self.spec
        self.layers, self.heads, self.eps = s["layers"], s["heads"], s["norm_eps"]
        self.tied = s["tied"]
        if self.family == "llama":
            self.kv_heads, self.head_dim, self.window = s["kv_heads"], s["head_dim"], s["sliding_window"]
        self.lora = {}  # module name -> (A, B), both parameters
        self.lora_scale = 0.0
        self.lora_dropout = 0.0
        self.lora_enabled = True
        self.checkpointing = False
        self.explicit_attention = not HAS_SDPA
        self._rope_cache = {}
        self._layer_ids = {}

    def _hf_name(self, name):
        """The trainer's name of a stored tensor, or None for what is not a weight."""
        if self.family == "gpt2":
            # buffers (causal masks) and the duplicate of the tied head are not weights
            if re.search(r"(^|\.)attn\.(masked_)?bias$", name) or name == "lm_head.weight":
                return None
            return name if name.startswith("transformer.") else "transformer." + name
        if name.endswith(".rotary_emb.inv_freq") or (self.spec["tied"] and name == "lm_head.weight"):
            return None
        return name

    def _place(self, name, t, base_dtype, full):
        if t.is_floating_point():
            if self.stored_dtype is None and t.dim() == 2:
                self.stored_dtype = t.dtype
            # matrices of the frozen base: 16-bit where asked; vectors (norms, biases) fp32
            dtype = base_dtype if (base_dtype is not None and not full and t.dim() == 2) else torch.float32
            return t.to(device=self.device, dtype=dtype)
        return t.to(self.device)

    @property
    def vocab(self):
        key = "transformer.wte.weight" if self.family == "gpt2" else "model.embed_tokens.weight"
        return self.weights[key].shape[0]

    def head_weight(self):
        if self.family == "gpt2" or self.tied:
            return self.weights["transformer.wte.weight" if self.family == "gpt2" else "model.embed_tokens.weight"]
        return self.weights["lm_head.weight"]

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
        """A ~ U(±1/√in) (PEFT's kaiming_uniform(a=√5)), B = 0, so the output starts unchanged.
        Drawn on the CPU in float64 from the seed, so every device starts from the same A."""
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
            a = (torch.rand(r, in_dim, generator=generator, dtype=torch.float64) * 2 - 1).mul_(bound)
            pa = torch.nn.Parameter(a.to(device=self.device, dtype=torch.float32))
            pb = torch.nn.Parameter(torch.zeros(out_dim, r, device=self.device))
            self.params[_key(layer) + "__lora_A"] = pa
            self.params[_key(layer) + "__lora_B"] = pb
            self.lora[layer] = (pa, pb)
            self._layer_ids[layer] = len(self._layer_ids)
        self.lora_scale = alpha / r
        self.lora_dropout = dropout

    @contextlib.contextmanager
    def adapters_off(self):
        """The base model: the same weights with the adapters left out (ASFT's reference
        distribution, one more forward pass without gradient, no second copy of the weights)."""
        before = self.lora_enabled
        self.lora_enabled = False
        try:
            yield self
        finally:
            self.lora_enabled = before

    def adapter_tensors(self):
        out = {}
        for layer, (a, b) in self.lora.items():
            out[f"{PEFT_PREFIX}{layer}.lora_A.weight"] = a
            out[f"{PEFT_PREFIX}{layer}.lora_B.weight"] = b
        return out

    def trainable(self):
        """(name, parameter) of what gets gradients: the adapters, or every weight."""
        if self.lora:
            return list(self.adapter_tensors().items())
        return [(n, w) for n, w in self.weights.items() if isinstance(w, torch.nn.Parameter)]

    def merge_lora(self):
        """W += scale·B·A (Conv1D: (B·A)ᵀ, PEFT's fan_in_fan_out), for inference checks."""
        for layer, (a, b) in self.lora.items():
            update = (b.detach().double() @ a.detach().double()) * self.lora_scale
            w = self.weights[layer + ".weight"]
            self.weights[layer + ".weight"] = (w.double() + (update.T if self.family == "gpt2" else update)).to(w.dtype)
        self.lora = {}

    # ── forward ───────────────────────────────────────────────────────────────────────────
    def _adapt(self, layer, x, y, dropout):
        pair = self.lora.get(layer)
        if pair is None or not self.lora_enabled:
            return y
        a, b = pair
        if dropout is not None and self.lora_dropout > 0:
            x = x * dropout.mask(self._layer_ids[layer], x.shape[-1], self.lora_dropout, x.dtype)
        return y + F.linear(F.linear(x, a), b) * self.lora_scale

    def _conv1d(self, layer, x, dropout):
        w = self.weights
        return self._adapt(layer, x, F.linear(x, w[layer + ".weight"].T, w[layer + ".bias"]), dropout)

    def _linear(self, layer, x, dropout):
        w = self.weights
        return self._adapt(layer, x, F.linear(x, w[layer + ".weight"], w.get(layer + ".bias")), dropout)

    def hidden_states(self, ids, dropout=None):
        """ids [B, T] on the model's device (right-padded: causal attention never looks at the
        later pad positions) → the final normed hidden states [B, T, d], float32."""
        if ids.device != self.device:
            raise RuntimeError(f"ids are on {ids.device} but the model is on {self.device}")
        return self._gpt2(ids, dropout) if self.family == "gpt2" else self._llama(ids, dropout)

    def forward(self, ids, dropout=None):
        """Logits [B, T, V] (for checks and small models; training uses hidden_states and the
        chunked loss of _loss.py, which never holds [B, T, V])."""
        h = self.hidden_states(ids, dropout)
        return F.linear(h, self.head_weight()).float()

    logits = forward

    def _blocks(self, block, x, *extra):
        for i in range(self.layers):
            if self.checkpointing and torch.is_grad_enabled():
                # activation checkpointing per block: only x is kept; the dropout masks are
                # drawn again from the same per-(sample, layer) seeds, so the recompute is exact
                x = checkpoint(block, i, x, *extra, use_reentrant=False)
            else:
                x = block(i, x, *extra)
        return x

    def _attention(self, q, k, v):
        """q [B, H, T, dh], k/v [B, H, T, dh] → [B, H, T, dh]: causal, and banded where a
        sliding window is shorter than the sequence."""
        t = q.shape[2]
        window = getattr(self, "window", None)
        banded = window is not None and t > window
        if not self.explicit_attention:
            if not banded:
                return F.scaled_dot_product_attention(q, k, v, is_causal=True)
            return F.scaled_dot_product_attention(q, k, v, attn_mask=_allowed(t, window, q.device))
        scores = (q @ k.transpose(-1, -2)).float() / math.sqrt(q.shape[-1])
        scores = scores.masked_fill(~_allowed(t, window if banded else None, q.device), float("-inf"))
        return torch.softmax(scores, -1).to(v.dtype) @ v

    def _gpt2(self, ids, dropout):
        w = self.weights
        d = w["transformer.wte.weight"].shape[1]
        positions = torch.arange(ids.shape[1], device=ids.device)
        x = F.embedding(ids, w["transformer.wte.weight"]).float() + F.embedding(positions, w["transformer.wpe.weight"]).float()
        x = self._blocks(self._gpt2_block, x, dropout)
        return F.layer_norm(x, (d,), w["transformer.ln_f.weight"], w["transformer.ln_f.bias"], self.eps)

    def _gpt2_block(self, i, x, dropout):
        w = self.weights
        batch, time, d = x.shape
        dh = d // self.heads
        p = f"transformer.h.{i}."
        a = F.layer_norm(x, (d,), w[p + "ln_1.weight"], w[p + "ln_1.bias"], self.eps)
        qkv = self._conv1d(p + "attn.c_attn", a, dropout)
        q, k, v = (z.view(batch, time, self.heads, dh).transpose(1, 2) for z in qkv.split(d, dim=-1))
        o = self._attention(q, k, v).transpose(1, 2).reshape(batch, time, d)
        x = x + self._conv1d(p + "attn.c_proj", o, dropout)
        m = F.layer_norm(x, (d,), w[p + "ln_2.weight"], w[p + "ln_2.bias"], self.eps)
        return x + self._conv1d(p + "mlp.c_proj", F.gelu(self._conv1d(p + "mlp.c_fc", m, dropout), approximate="tanh"), dropout)

    def _rope(self, time, device):
        key = (time, str(device))
        if key not in self._rope_cache:
            # the angles in float64 on the CPU (a few KB), then the tables on the model's device
            inv = rope_inverse_frequencies(self.spec["rope"], self.head_dim)
            angle = torch.arange(time, dtype=torch.float64)[:, None] * inv[None, :]
            self._rope_cache = {key: (torch.cos(angle).to(device, torch.float32), torch.sin(angle).to(device, torch.float32))}
        return self._rope_cache[key]

    def _rms(self, x, g):
        x = x.float()
        return x * torch.rsqrt((x * x).mean(-1, keepdim=True) + self.eps) * g

    def _llama(self, ids, dropout):
        w = self.weights
        cos, sin = self._rope(ids.shape[1], ids.device)
        x = F.embedding(ids, w["model.embed_tokens.weight"]).float()
        x = self._blocks(self._llama_block, x, cos, sin, dropout)
        return self._rms(x, w["model.norm.weight"])

    def _llama_block(self, i, x, cos, sin, dropout):
        w = self.weights
        batch, time, _ = x.shape
        nh, nkv, dh = self.heads, self.kv_heads, self.head_dim

        def rope(z):  # [B, H, T, dh]: pairs (j, j + dh/2) rotated by t·inv[j], in fp32
            z32 = z.float()
            z1, z2 = z32[..., : dh // 2], z32[..., dh // 2:]
            return torch.cat([z1 * cos - z2 * sin, z2 * cos + z1 * sin], -1).to(z.dtype)

        p = f"model.layers.{i}."
        a = self._rms(x, w[p + "input_layernorm.weight"])
        q = rope(self._linear(p + "self_attn.q_proj", a, dropout).view(batch, time, nh, dh).transpose(1, 2))
        k = rope(self._linear(p + "self_attn.k_proj", a, dropout).view(batch, time, nkv, dh).transpose(1, 2))
        v = self._linear(p + "self_attn.v_proj", a, dropout).view(batch, time, nkv, dh).transpose(1, 2)
        if v.dtype != q.dtype:
            v = v.to(q.dtype)
        if nkv != nh:  # grouped-query attention: query head h reads key/value head h // (nh / nkv)
            rep = nh // nkv
            k = k[:, :, None].expand(batch, nkv, rep, time, dh).reshape(batch, nh, time, dh)
            v = v[:, :, None].expand(batch, nkv, rep, time, dh).reshape(batch, nh, time, dh)
        o = self._attention(q, k, v).transpose(1, 2).reshape(batch, time, nh * dh)
        x = x + self._linear(p + "self_attn.o_proj", o, dropout)
        m = self._rms(x, w[p + "post_attention_layernorm.weight"])
        g = self._linear(p + "mlp.gate_proj", m, dropout)
        return x + self._linear(p + "mlp.down_proj", F.silu(g) * self._linear(p + "mlp.up_proj", m, dropout), dropout)


def _allowed(time, window, device):
    """[T, T] bool: query t may see key s (s ≤ t, and t − s < window when there is one)."""
    t = torch.arange(time, device=device)
    diff = t[:, None] - t[None, :]
    keep = diff >= 0
    if window is not None:
        keep = keep & (diff < window)
    return keep


def rope_inverse_frequencies(rope, head_dim):
    """theta^(-2j/d) (float64, CPU), rescaled as `linear` or `llama3` RoPE scaling says."""
    inv = 1.0 / rope["theta"] ** (torch.arange(0, head_dim, 2, dtype=torch.float64) / head_dim)
    if rope["type"] == "linear":
        return inv / rope["factor"]
    if rope["type"] == "llama3":
        # Llama 3.1: long wavelengths slowed by `factor`, short ones kept, a smooth blend between
        factor, low, high, old = rope["factor"], rope["low_freq_factor"], rope["high_freq_factor"], rope["original_max_position_embeddings"]
        wavelength = 2 * math.pi / inv
        smooth = ((old / wavelength) - low) / (high - low)
        blended = (1 - smooth) * inv / factor + smooth * inv
        out = torch.where(wavelength > old / low, inv / factor, inv)
        medium = (wavelength <= old / low) & (wavelength >= old / high)
        return torch.where(medium, blended, out)
    return inv


class SequenceDropout:
    """LoRA dropout masks, one per (sample, adapted layer), each drawn from a generator seeded by
    the sample's seed (the run's seed, the step and the sample's position in the global batch)
    and the layer — so a sample's masks do not depend on the process, the micro-batch, the
    padding or the order of the calls, and a checkpointed block's recompute draws the same mask.
    Made on the model's device (CUDA: a CUDA generator)."""

    def __init__(self, seeds, lengths, time, device):
        self.seeds = [int(s) for s in seeds]
        self.lengths = lengths
        self.time = time
        self.device = torch.device(device)

    def mask(self, layer_id, width, p, dtype=torch.float32):
        keep = 1.0 - p
        out = torch.ones(len(self.seeds), self.time, width, device=self.device, dtype=dtype)
        for b, (seed, n) in enumerate(zip(self.seeds, self.lengths)):
            if self.device.type == "meta":  # shapes only (the device check of the tests)
                draw = torch.rand(n, width, device=self.device)
            else:
                g = torch.Generator(device=self.device).manual_seed(seed * 65536 + layer_id)
                draw = torch.rand(n, width, generator=g, device=self.device)
            out[b, :n] = (draw < keep).to(dtype) / keep
        return out
