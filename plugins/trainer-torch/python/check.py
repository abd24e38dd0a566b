#!/usr/bin/python3
"""What the tests compare (reference values are computed elsewhere, not here) and the CPU checks
of the GPU path. Each command prints one JSON object.

    python3 check.py loss <loss_reference.json>        per-sample loss, mean and gradient of every
                                                       case and variant of @ual/nn's fixture
    python3 check.py token-loss <token_loss_reference.json>
                                                       the same for DFT, EAFT, ASFT and their
                                                       compositions with ε (whole logits, and the
                                                       chunked training path built from the spec)
    python3 check.py logits <model> [<adapter>]        logits of the fixture's sequences (adapters
                                                       applied, and merged)
    python3 check.py device <work dir>                 a LoRA step (dropout, checkpointing, chunked
                                                       loss, online NLL) with the weights on torch's
                                                       meta device under a guard against mixed devices
    python3 check.py anchor <work dir>                 ASFT's base: the adapters off equals the model
                                                       without them; a frozen copy stays the initial
                                                       weights while full fine-tuning moves them
    python3 check.py chunked                           the chunked head loss against the whole one
                                                       (UAL's, and each token-level kind)
    python3 check.py checkpointing <work dir>          gradients with and without checkpointing
    python3 check.py precision <work dir>              bf16 autocast against fp32 (loss, gradients)
    python3 check.py window <work dir>                 Mistral's sliding window, and llama3 RoPE
    python3 check.py memory <work dir> <B> <T> <ckpt>  the memory estimate against measured peak RSS
    python3 check.py config-cases <hf_config_cases.json>
                                                       _config.model_spec of each case's config.json
                                                       (its spec, or its refusal's message)
"""
import json
import os
import resource
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _loss  # noqa: E402
from _loss import TokenLoss, head_loss, loss_from_spec, nll_per_sample, smoothed_cross_entropy_per_sample, token_loss_per_sample  # noqa: E402
from _models import PEFT_PREFIX, CausalLm, SequenceDropout, rope_inverse_frequencies  # noqa: E402
from _safetensors import read_safetensors  # noqa: E402
from _testing import SameDevice, llama_config, write_random_model  # noqa: E402


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
            # the chunked path on the same numbers: hidden = the logits, head = the identity
            n = labels.shape[0]
            hidden = logits.detach().clone().requires_grad_(True)
            weight = has.float() / max(int(has.sum()), 1)
            eye = torch.eye(hidden.shape[-1])
            chunked = head_loss(hidden, eye, labels, torch.tensor(c["epsilon"], dtype=torch.float32).reshape(n), weight, v["convention"], v["denominator"])
            chunked.backward()
            variants.append({"convention": v["convention"], "denominator": v["denominator"], "perSample": per.tolist(),
                             "mean": mean.item(), "gradMean": logits.grad.reshape(-1).tolist(),
                             "chunkedMean": chunked.item(), "chunkedGrad": hidden.grad.reshape(-1).tolist()})
        out.append({"name": c["name"], "variants": variants})
    print(json.dumps({"cases": out}))


def spec_of(options, aggregation):
    """The loss plugins' spec of a fixture variant's @ual/nn options (loss_from_spec.ts read
    backwards), or None where no plugin has it (an anchor without DFT's weight)."""
    convention = options.get("convention", "reference")
    weighting, anchor = options.get("weighting", "none"), options.get("anchor", 0)
    if anchor > 0:
        return {"kind": "asft", "options": {"alpha": anchor, "convention": convention}, "aggregation": aggregation} if weighting == "dft" else None
    if weighting == "none":
        return {"kind": "label-smoothing", "options": {"convention": convention, "denominator": "targets"}, "aggregation": aggregation}
    if weighting == "dft":
        return {"kind": "dft", "options": {"convention": convention}, "aggregation": aggregation}
    return {"kind": "eaft", "options": {k: options[k] for k in ("alpha", "topK", "entropyScale", "convention") if k in options}, "aggregation": aggregation}


def token_loss(fixture):
    """Every case and variant of @ual/nn's token-loss fixture: the whole-logits loss (autograd)
    and the training path (head_loss in chunks of 3 rows, its term built from the plugins' spec;
    hidden = the logits, head = the identity), for the three reductions the fixture has."""
    with open(fixture) as f:
        cases = json.load(f)["cases"]
    out = []
    for c in cases:
        variants = []
        labels = torch.tensor(c["labels"], dtype=torch.long)
        shape = c["shape"]
        base = torch.tensor(c["baseLogits"], dtype=torch.float32).reshape(shape)
        count = (labels[:, 1:] != -1).sum(1).float()
        weights = {"tokenMean": count / count.sum(),
                   "sampleMean": (count > 0).float() / (count > 0).sum(),
                   "weighted": torch.tensor(c["weights"], dtype=torch.float32)}
        for v in c["variants"]:
            eps = torch.tensor(v["epsilon"], dtype=torch.float32)
            row = {"options": v["options"]}
            for reduction, weight in weights.items():
                logits = torch.tensor(c["logits"], dtype=torch.float32).reshape(shape).requires_grad_(True)
                per = token_loss_per_sample(logits, labels, eps, v["options"], base)
                value = (per * weight).sum()
                value.backward()
                row["perSample"] = per.tolist()
                row[reduction] = value.item()
                row["grad_" + reduction] = logits.grad.reshape(-1).tolist()
                spec = spec_of(v["options"], "token-mean" if reduction == "tokenMean" else "sample-mean")
                term = loss_from_spec(spec)[0] if spec is not None else TokenLoss(**v["options"])
                row["via"] = "spec" if spec is not None else "options"
                hidden = logits.detach().clone().requires_grad_(True)
                eye = torch.eye(shape[-1])
                _loss.CHUNK_ELEMENTS = term.buffers * shape[-1]  # 3 rows per chunk: several, and a ragged last one
                chunked = head_loss(hidden, eye, labels, eps, weight, term.convention, "targets", terms=[term], base_hidden=base, base_head=eye)
                _loss.CHUNK_ELEMENTS = 1 << 25
                chunked.backward()
                row["chunked_" + reduction] = chunked.item()
                row["chunkedGrad_" + reduction] = hidden.grad.reshape(-1).tolist()
            variants.append(row)
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


def _batch(vocab, device, lengths=(12, 9, 7)):
    g = torch.Generator().manual_seed(3)
    time_ = max(lengths)
    ids = torch.zeros(len(lengths), time_, dtype=torch.long)
    labels = torch.full((len(lengths), time_), -1, dtype=torch.long)
    for b, n in enumerate(lengths):
        ids[b, :n] = torch.randint(0, vocab, (n,), generator=g)
        labels[b, 1:n] = ids[b, 1:n]
    eps = torch.tensor([(0.1, 0.0, 0.3)[b % 3] for b in range(len(lengths))], dtype=torch.float32)
    weight = torch.full((len(lengths),), 1.0 / len(lengths))
    return ids.to(device), labels.to(device), eps.to(device), weight.to(device), list(lengths), time_


def _lora_step(model, ids, labels, eps, weight, lengths, time_, seeds=None, dtype=torch.float32, term=None, base=None):
    """One forward + backward; `term` a token loss, `base` the frozen copy its anchor reads (None:
    the model with its adapters off), as train.py's _Objective does."""
    seeds = seeds or [11 + b for b in range(len(lengths))]
    dropout = SequenceDropout(seeds[: len(lengths)], lengths, time_, model.device) if model.lora_dropout > 0 else None
    hidden = model.hidden_states(ids, dropout)
    if term is None:
        total = head_loss(hidden, model.head_weight(), labels, eps, weight, "reference", "targets", dtype)
    else:
        with torch.no_grad():
            if base is not None:
                base_hidden, base_head = base.hidden_states(ids), base.head_weight()
            else:
                with model.adapters_off():
                    base_hidden, base_head = model.hidden_states(ids), model.head_weight()
        total = head_loss(hidden, model.head_weight(), labels, eps, weight, term.convention, "targets", dtype, [term], base_hidden, base_head)
    total.backward()
    grads = {n: p.grad.detach().clone() for n, p in model.trainable()}
    for _, p in model.trainable():
        p.grad = None
    return total.detach(), grads


def device(work):
    """The whole training computation with the weights on `meta`: any tensor made elsewhere
    (a mask, a RoPE table, a dropout mask, ε, labels) meets them in some op and is caught."""
    folder = write_random_model(os.path.join(work, "llama-device"), llama_config(sliding_window=6, num_hidden_layers=2))
    results = {}
    for mode in ("lora", "full"):
        model = CausalLm(folder, device="meta", full=mode == "full")
        if mode == "lora":
            model.attach_lora(4, 8, 0.1, ["q_proj", "v_proj"], 0)
        model.checkpointing = True
        ids, labels, eps, weight, lengths, time_ = _batch(96, "meta")
        guard = SameDevice()
        try:
            with guard:
                total, grads = _lora_step(model, ids, labels, eps, weight, lengths, time_)
                nll = nll_per_sample(model.hidden_states(ids), model.head_weight(), labels)
                # the token losses: EAFT's top-K, and ASFT's base (adapters off, or a frozen copy on meta too)
                frozen = CausalLm(folder, device="meta") if mode == "full" else None
                for options in ({"weighting": "eaft"}, {"weighting": "dft", "anchor": 0.1}):
                    _lora_step(model, ids, labels, eps, weight, lengths, time_, term=TokenLoss(**options), base=frozen)
            results[mode] = {"ok": True, "calls": guard.calls, "lossDevice": str(total.device), "gradDevices": sorted({str(g.device) for g in grads.values()}),
                             "nllDevice": str(nll.device)}
        except RuntimeError as error:
            results[mode] = {"ok": False, "error": str(error)}
    print(json.dumps(results))


def anchor(work):
    """ASFT's base distribution. LoRA: after the adapters moved, `adapters_off` gives the logits
    of a fresh model without adapters, and the adapters are back on afterwards. Full fine-tuning:
    a step moves the trained weights but not the frozen copy."""
    folder = write_random_model(os.path.join(work, "llama-anchor"), llama_config())
    ids, labels, eps, weight, lengths, time_ = _batch(96, "cpu")
    plain = CausalLm(folder)
    with torch.no_grad():
        expected = plain.logits(ids)
    model = CausalLm(folder)
    model.attach_lora(4, 8, 0.0, ["q_proj", "v_proj"], 0)
    for _, b in model.lora.values():
        b.data.normal_(0, 0.1, generator=torch.Generator().manual_seed(9))
    with torch.no_grad():
        adapted = model.logits(ids)
        with model.adapters_off():
            off = model.logits(ids)
        again = model.logits(ids)
    out = {"lora": {"offVsPlain": (off - expected).abs().max().item(), "adaptedVsPlain": (adapted - expected).abs().max().item(),
                    "backOn": (again - adapted).abs().max().item()}}
    full = CausalLm(folder, full=True)
    frozen = CausalLm(folder)
    term = TokenLoss("dft", anchor=0.1)
    optimizer = torch.optim.SGD([p for _, p in full.trainable()], lr=0.5)
    _, grads = _lora_step(full, ids, labels, eps, weight, lengths, time_, term=term, base=frozen)
    for name, p in full.trainable():
        p.grad = grads[name]
    optimizer.step()
    with torch.no_grad():
        out["full"] = {"frozenVsPlain": (frozen.logits(ids) - expected).abs().max().item(), "trainedVsPlain": (full.logits(ids) - expected).abs().max().item()}
    print(json.dumps(out))


def chunked():
    """head_loss in chunks of 5 rows against the whole-logits loss, values and gradients."""
    g = torch.Generator().manual_seed(1)
    B, T, d, V = 3, 11, 16, 50
    hidden = torch.randn(B, T, d, generator=g, dtype=torch.float64).float().requires_grad_(True)
    head = torch.randn(V, d, generator=g).requires_grad_(True)
    labels = torch.randint(0, V, (B, T), generator=g)
    labels[0, :3] = -1
    labels[2, 7:] = -1
    eps = torch.tensor([0.2, 0.0, 0.35])
    weight = torch.full((B,), 1.0 / B)
    out = {}
    for convention in ("reference", "uniform"):
        for denominator in ("targets", "reference"):
            whole = (smoothed_cross_entropy_per_sample(hidden @ head.T, labels, eps, convention, denominator) * weight).sum()
            gh, gw = torch.autograd.grad(whole, (hidden, head))
            _loss.CHUNK_ELEMENTS = 5 * V  # 5 rows per chunk: several chunks and a ragged last one
            part = head_loss(hidden, head, labels, eps, weight, convention, denominator)
            ch, cw = torch.autograd.grad(part, (hidden, head))
            _loss.CHUNK_ELEMENTS = 1 << 25
            out[f"{convention}/{denominator}"] = {"loss": abs(part.item() - whole.item()), "gradHidden": (ch - gh).abs().max().item(),
                                                  "gradHead": (cw - gw).abs().max().item(), "scale": gh.abs().max().item()}
    # the token-level kinds; ASFT's base a frozen copy of other weights (full fine-tuning's case)
    base_hidden = hidden.detach() + 0.3 * torch.randn(B, T, d, generator=g)
    base_head = head.detach() + 0.3 * torch.randn(V, d, generator=g)
    zero = torch.zeros(B)
    token_weight = (labels[:, 1:] != -1).sum(1).float()
    token_weight /= token_weight.sum()
    kinds = {"dft": (zero, {"weighting": "dft"}), "eaft": (zero, {"weighting": "eaft", "topK": 7}),
             "asft": (zero, {"weighting": "dft", "anchor": 0.1}), "ual+eaft": (eps, {"weighting": "eaft", "alpha": 0.5}),
             "ual+asft uniform": (eps, {"weighting": "dft", "anchor": 0.3, "convention": "uniform"})}
    for name, (e, options) in kinds.items():
        whole = (token_loss_per_sample(hidden @ head.T, labels, e, options, base_hidden @ base_head.T) * token_weight).sum()
        gh, gw = torch.autograd.grad(whole, (hidden, head))
        term = TokenLoss(**options)
        _loss.CHUNK_ELEMENTS = 5 * V * term.buffers // 3
        part = head_loss(hidden, head, labels, e, token_weight, term.convention, "targets", terms=[term], base_hidden=base_hidden, base_head=base_head)
        ch, cw = torch.autograd.grad(part, (hidden, head))
        _loss.CHUNK_ELEMENTS = 1 << 25
        out[name] = {"loss": abs(part.item() - whole.item()), "gradHidden": (ch - gh).abs().max().item(),
                     "gradHead": (cw - gw).abs().max().item(), "scale": gh.abs().max().item()}
    print(json.dumps(out))


def checkpointing(work):
    folder = write_random_model(os.path.join(work, "llama-ckpt"), llama_config(num_hidden_layers=3))
    out = {}
    for mode in ("lora", "full"):
        runs = []
        for on in (False, True):
            model = CausalLm(folder, full=mode == "full")
            if mode == "lora":
                model.attach_lora(4, 8, 0.1, ["q_proj", "v_proj", "down_proj"], 0)
                for _, b in model.lora.values():  # B ≠ 0, so that A gets a gradient too
                    torch.nn.init.normal_(b, std=0.05, generator=None) if False else b.data.normal_(0, 0.05, generator=torch.Generator().manual_seed(9))
            model.checkpointing = on
            runs.append(_lora_step(model, *_batch(96, "cpu")))
        (l0, g0), (l1, g1) = runs
        out[mode] = {"loss": abs(l0.item() - l1.item()), "grad": max((g0[n] - g1[n]).abs().max().item() for n in g0),
                     "scale": max(g.abs().max().item() for g in g0.values())}
    print(json.dumps(out))


def precision(work):
    """The same LoRA step in fp32 and under CPU bf16 autocast with bf16 base weights."""
    folder = write_random_model(os.path.join(work, "llama-bf16"), llama_config(hidden_size=64, intermediate_size=128, num_hidden_layers=2, vocab_size=200))
    runs = {}
    for name, base_dtype in (("fp32", None), ("bf16", torch.bfloat16)):
        model = CausalLm(folder, base_dtype=base_dtype)
        model.attach_lora(4, 8, 0.0, ["q_proj", "v_proj"], 0)
        for _, b in model.lora.values():
            b.data.normal_(0, 0.05, generator=torch.Generator().manual_seed(9))
        ids, labels, eps, weight, lengths, time_ = _batch(200, "cpu", (24, 20, 16))
        ctx = torch.autocast("cpu", dtype=torch.bfloat16) if base_dtype else torch.no_grad.__new__(torch.enable_grad)
        with ctx:
            runs[name] = _lora_step(model, ids, labels, eps, weight, lengths, time_, dtype=base_dtype or torch.float32)
        runs[name] += (model.weights["model.layers.0.self_attn.q_proj.weight"].dtype, model.lora["model.layers.0.self_attn.q_proj"][0].dtype)
    (l32, g32, _, _), (l16, g16, wdt, adt) = runs["fp32"], runs["bf16"]
    rel = max(((g16[n] - g32[n]).norm() / g32[n].norm()).item() for n in g32)
    print(json.dumps({"loss32": l32.item(), "loss16": l16.item(), "lossRel": abs(l16.item() - l32.item()) / abs(l32.item()),
                      "gradRel": rel, "baseDtype": str(wdt), "loraDtype": str(adt)}))


def window(work):
    """1 layer, window 4: the logits at t move when token t-3 changes, not when t-4 does."""
    folder = write_random_model(os.path.join(work, "mistral"), llama_config(architectures=["MistralForCausalLM"], model_type="mistral", num_hidden_layers=1, sliding_window=4))
    model = CausalLm(folder)
    ids = torch.randint(0, 96, (1, 12), generator=torch.Generator().manual_seed(4))
    t = 10
    with torch.no_grad():
        base = model.logits(ids)[0, t]
        far, near = ids.clone(), ids.clone()
        far[0, t - 4] = (far[0, t - 4] + 1) % 96
        near[0, t - 3] = (near[0, t - 3] + 1) % 96
        d_far = (model.logits(far)[0, t] - base).abs().max().item()
        d_near = (model.logits(near)[0, t] - base).abs().max().item()
    rope = {"type": "llama3", "theta": 500000.0, "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0, "original_max_position_embeddings": 8192.0}
    inv = rope_inverse_frequencies(rope, 128)
    plain = rope_inverse_frequencies({"type": "default", "theta": 500000.0}, 128)
    print(json.dumps({"farChange": d_far, "nearChange": d_near, "highKept": (inv[0] / plain[0]).item(), "lowDivided": (plain[-1] / inv[-1]).item(),
                      "inv": inv.tolist()}))


def memory(work, batch, time_, ckpt):
    """Peak RSS growth of one LoRA step (fp32, CPU, explicit attention) against the estimate."""
    from _memory import estimate_step_memory

    config = llama_config(vocab_size=8192, hidden_size=512, intermediate_size=1408, num_hidden_layers=6, num_attention_heads=8,
                          num_key_value_heads=8, max_position_embeddings=2048)
    folder = os.path.join(work, "llama-memory")
    if not os.path.exists(os.path.join(folder, "model.safetensors")):
        write_random_model(folder, config)
    torch.set_num_threads(1)
    model = CausalLm(folder)
    model.attach_lora(8, 16, 0.1, ["q_proj", "v_proj"], 0)
    model.checkpointing = ckpt == "1"
    lora = {"r": 8, "targets": ["q_proj", "v_proj"], "dropout": 0.1}
    ids, labels, eps, weight, lengths, t = _batch(8192, "cpu", [int(time_)] * int(batch))
    optimizer = torch.optim.AdamW([p for _, p in model.trainable()], lr=1e-4)
    def rss():
        with open("/proc/self/status") as f:
            return next(int(l.split()[1]) * 1024 for l in f if l.startswith("VmRSS"))
    before = rss()
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    _lora_step(model, ids, labels, eps, weight, lengths, t)
    optimizer.step()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    e = estimate_step_memory(model.spec, int(batch), int(time_), "fp32", lora, model.checkpointing, sdpa=False)
    print(json.dumps({"batch": int(batch), "time": int(time_), "checkpointing": model.checkpointing, "weightsRss": before,
                      "stepGrowth": peak - max(before, peak_before) if peak > before else 0, "peakRss": peak,
                      "estimate": e, "estimatedStep": e["activations"] + e["logits + loss"] + e["LoRA + gradients + AdamW"]}))


def config_cases(path):
    """What this package's reader makes of each config of @ual/models' shared cases."""
    from _config import UnsupportedConfig, model_spec

    with open(path) as f:
        cases = json.load(f)
    out = []
    for case in cases:
        try:
            out.append({"name": case["name"], "spec": model_spec(case["config"], "cfg.json")})
        except UnsupportedConfig as error:
            out.append({"name": case["name"], "error": str(error)})
    print(json.dumps(out))


if __name__ == "__main__":
    commands = {"loss": (loss, 1), "token-loss": (token_loss, 1), "logits": (logits, (1, 2)), "device": (device, 1), "chunked": (chunked, 0), "anchor": (anchor, 1),
                "checkpointing": (checkpointing, 1), "precision": (precision, 1), "window": (window, 1), "memory": (memory, 4),
                "config-cases": (config_cases, 1)}
    name, args = (sys.argv[1] if len(sys.argv) > 1 else ""), sys.argv[2:]
    if name not in commands or len(args) not in ((commands[name][1],) if isinstance(commands[name][1], int) else commands[name][1]):
        sys.stderr.write(__doc__)
        sys.exit(2)
    commands[name][0](*args)
