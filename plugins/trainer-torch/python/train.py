#!/usr/bin/python3
"""@ual/trainer-torch's training script: plain PyTorch, one process per rank (started by torchrun
or by the plugin itself with RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT; env://
rendezvous). The plugin does the tokenizing, the batch schedule and the lr schedule on the
TypeScript side and hands them over in the run directory (plan.json + token files), so this
script needs no tokenizer and sees exactly the batches @ual/trainer-tfjs would.

    python3 train.py <plan.json>     train (rank 0 writes JSON lines to stdout, and reads the
                                     online ε answers from stdin)
    python3 train.py --probe         check that torch (and torch.distributed) start

Read it top to bottom: `setup` decides the device and the precision once and makes everything on
them (model, adapters, optimizer); `train_step` is one optimizer step
(online ε, micro-batches with gradient accumulation, clipping, AdamW); `train` loops and
checkpoints (_checkpoint.py).

Data parallel: the global batch's samples are dealt to the ranks by length (_batches.py); each
sample's loss is weighted 1/(global batch size) — or, for a token-mean loss (DFT, EAFT, ASFT),
its share of the global batch's target tokens, counted up front from the token files — and the
gradients are summed over the ranks (`all_reduce_gradients`, one flat all-reduce per step; why
not DDP: its docstring), so the step minimises the mean over the global batch's samples (spec
§3.2), or over its target tokens, whatever N and the micro-batches are.

The loss is `plan.loss`, a loss spec (@ual/core's LossSpec): the trainer's own convention and
denominator (UAL's label smoothing), or a manifest loss stage's `spec()` (_loss.loss_from_spec).
ASFT's base distribution is the same weights with the adapters off (LoRA), or a frozen copy of
the initial weights (full fine-tuning), one more forward pass without gradient.
"""
import contextlib
import json
import math
import os
import signal
import sys
import time

import torch
import torch.distributed as dist

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _batches import Data, deal, micro_batches  # noqa: E402
from _checkpoint import load_checkpoint, write_checkpoint  # noqa: E402
from _config import UnsupportedConfig  # noqa: E402
from _loss import head_loss, loss_from_spec, nll_per_sample  # noqa: E402
from _memory import GIB, estimate_step_memory, free_memory, token_budget  # noqa: E402
from _models import HAS_SDPA, CausalLm, SequenceDropout  # noqa: E402

RANK = int(os.environ.get("RANK", "0"))
WORLD = int(os.environ.get("WORLD_SIZE", "1"))
LOCAL_RANK = int(os.environ.get("LOCAL_RANK", "0"))
LOCAL_WORLD = int(os.environ.get("LOCAL_WORLD_SIZE", str(WORLD)))
_stop = {"requested": False}
DTYPES = {"fp32": torch.float32, "bf16": torch.bfloat16, "fp16": torch.float16}


def emit(record):
    """One JSON line on stdout, from rank 0 only (the plugin turns them into run events)."""
    if RANK == 0:
        sys.stdout.write(json.dumps(record) + "\n")
        sys.stdout.flush()


def log(message, level="info"):
    emit({"type": "log", "level": level, "message": message})


def fnv1a(text):
    """32-bit FNV-1a over a string's characters (as @ual/random's fnv1a, for ASCII text)."""
    h = 0x811C9DC5
    for ch in text:
        h ^= ord(ch)
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


def _on_signal(signum, frame):
    _stop["requested"] = True


def probe():
    info = {"type": "probe", "ok": True, "torch": torch.__version__, "python": sys.version.split()[0], "cuda": torch.cuda.is_available()}
    if "WORLD_SIZE" in os.environ:
        dist.init_process_group("gloo", init_method="env://")
        t = torch.ones(1)
        dist.all_reduce(t)
        info["world"] = int(t.item())
        dist.destroy_process_group()
    if RANK == 0:
        print(json.dumps(info), flush=True)


def all_sum(values, device):
    t = torch.tensor(values, dtype=torch.float64, device=device)
    if WORLD > 1:
        dist.all_reduce(t)
    return t.cpu().tolist()


def wait_for_epsilon(step, count):
    """The plugin's answer to an `nll` line, one JSON line on rank 0's stdin: ε for the global
    batch and the estimator's state. None when the run is stopping (the plugin ends the pipe when
    it stops the processes)."""
    line = sys.stdin.readline()
    if line == "":
        # the plugin ends stdin right after it sends SIGINT: give the handler a moment to run
        deadline = time.monotonic() + 2.0
        while not _stop["requested"] and time.monotonic() < deadline:
            time.sleep(0.01)
        if _stop["requested"]:
            return None
        raise RuntimeError(f"stdin closed while waiting for step {step}'s ε (the plugin is gone)")
    answer = json.loads(line)
    if answer.get("step") != step:
        raise RuntimeError(f"ε for step {answer.get('step')} arrived while waiting for step {step}'s")
    if len(answer["epsilon"]) != count:
        raise RuntimeError(f"{len(answer['epsilon'])} ε values arrived for step {step}'s batch of {count}")
    return answer


# ── setup ─────────────────────────────────────────────────────────────────────────────────
def choose_device(requested):
    if requested == "cuda":
        if not torch.cuda.is_available():
            raise RuntimeError("device cuda: torch.cuda.is_available() is false on this machine (use device: cpu, or install a CUDA build of torch)")
        device = torch.device("cuda", LOCAL_RANK)
        torch.cuda.set_device(device)
        return device
    return torch.device(requested)


def choose_precision(requested, device):
    """fp32 | bf16 | fp16; `auto`: bf16 on CUDA (fp16 where the GPU has no bf16), fp32 on the CPU."""
    if requested == "auto":
        if device.type != "cuda":
            return "fp32"
        return "bf16" if torch.cuda.is_bf16_supported() else "fp16"
    if requested == "fp16" and device.type != "cuda":
        raise RuntimeError("precision fp16 needs device cuda (CPU autocast has no float16); use bf16 or fp32 on the CPU")
    if requested == "bf16" and device.type == "cuda" and not torch.cuda.is_bf16_supported():
        raise RuntimeError(f"precision bf16: {torch.cuda.get_device_name(device)} has no bfloat16; use precision fp16 (with loss scaling) or fp32")
    return requested


class _Objective(torch.nn.Module):
    """The model and the chunked loss as one module (the forward pass of one micro-batch).
    `term`/`denominator`: the loss (_loss.loss_from_spec); `base`: the base model, when the loss
    anchors to its distribution (None: the model itself with its adapters off)."""

    def __init__(self, model, term, denominator, compute_dtype, base=None):
        super().__init__()
        self.model = model
        self.term = term
        self.denominator = denominator
        self.compute_dtype = compute_dtype
        self.base = base

    def base_states(self, ids):
        """The base model's final hidden states and head on the batch, without gradient."""
        with torch.no_grad():
            if self.base is not None:
                return self.base.hidden_states(ids), self.base.head_weight()
            with self.model.adapters_off():
                return self.model.hidden_states(ids), self.model.head_weight()

    def forward(self, ids, labels, epsilon, sample_weight, dropout):
        hidden = self.model.hidden_states(ids, dropout)
        base_hidden, base_head = self.base_states(ids) if self.term.needs_base else (None, None)
        return head_loss(hidden, self.model.head_weight(), labels, epsilon, sample_weight, self.term.convention,
                         self.denominator, self.compute_dtype, [self.term], base_hidden, base_head)


class Run:
    """Everything one training process holds, decided once in `setup`."""


def setup(plan_path):
    run = Run()
    run.base = os.path.dirname(os.path.abspath(plan_path))
    with open(plan_path) as f:
        run.plan = plan = json.load(f)
    for key in ("init", "checkpointsDir", "resume"):
        # the plugin writes absolute paths; a plan edited for another machine may say them relative to itself
        if plan.get(key) and not os.path.isabs(plan[key]):
            plan[key] = os.path.normpath(os.path.join(run.base, plan[key]))
    torch.set_num_threads(max(1, int(plan.get("threadsPerProcess", 1))))
    run.device = device = choose_device(plan["device"])
    run.precision = choose_precision(plan.get("precision", "auto"), device)
    run.compute_dtype = DTYPES[run.precision]
    if WORLD > 1:
        dist.init_process_group(plan["distributedBackend"], init_method="env://")
    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)

    full = plan["lora"] is None
    term, denominator, run.aggregation = loss_from_spec(plan["loss"])
    base_dtype = None if run.precision == "fp32" else run.compute_dtype
    model = CausalLm(plan["init"], device=device, base_dtype=base_dtype, full=full)
    if not full:
        lora = plan["lora"]
        model.attach_lora(lora["r"], lora["alpha"], lora["dropout"], lora["targets"], plan["seed"])
    if model.vocab < plan["vocabSize"]:
        raise RuntimeError(f"the tokenizer has {plan['vocabSize']} ids but {plan['init']} has only {model.vocab} embedding rows")
    model.checkpointing = bool(plan.get("gradientCheckpointing", True))
    run.model = model
    run.named = model.trainable()
    run.params = [p for _, p in run.named]
    optim = plan["optim"]
    run.optimizer = torch.optim.AdamW(run.params, lr=plan["lr"][0], betas=tuple(optim["betas"]), eps=optim["eps"], weight_decay=optim["weightDecay"])
    run.scaler = torch.cuda.amp.GradScaler() if run.precision == "fp16" else None
    frozen = None
    if term.needs_base and full:
        # full fine-tuning moves the weights themselves: the base is a frozen copy (16-bit under
        # bf16/fp16), loaded before the micro-batch size is chosen so that the free memory counts it
        frozen = CausalLm(plan["init"], device=device, base_dtype=base_dtype, full=False)
    run.objective = _Objective(model, term, denominator, run.compute_dtype, frozen)
    loss_spec = plan["loss"]
    log(f"loss: {loss_spec['kind']} {json.dumps(loss_spec['options'], separators=(',', ':'))}, {run.aggregation}"
        + (f", anchored to the base model ({'a frozen copy of the initial weights' if full else 'the adapters off'}, one more forward pass without gradient)" if term.needs_base else "")
        + f" — {loss_spec.get('source', 'the trainer options')}")

    spec = plan["examples"]
    run.data = Data(os.path.join(run.base, spec["ids"]), os.path.join(run.base, spec["labels"]), spec["offsets"], spec["pad"])
    run.step, run.nan_streak, run.estimator = 0, 0, None
    if plan.get("resume"):
        with open(os.path.join(plan["resume"], "trainer_state.json")) as f:
            state = json.load(f)
        load_checkpoint(plan["resume"], model, run.optimizer, run.named)
        run.step, run.nan_streak, run.estimator = state["step"], state["nanStreak"], state.get("estimator")
    choose_micro_batches(run)
    emit({"type": "ready", "world": WORLD, "device": str(device), "family": model.family, "step": run.step,
          "trainable": sum(p.numel() for p in run.params), "parameters": sum(t.numel() for t in model.weights.values()),
          "threads": torch.get_num_threads(), "torch": torch.__version__, "precision": run.precision})
    return run


def choose_micro_batches(run):
    """`microBatchSize`: a number of samples, or `auto`: as many padded tokens as the memory
    estimate says fit in what the device has free after loading the model (logged with why)."""
    plan, model = run.plan, run.model
    micro = plan.get("microBatchSize", "auto")
    sdpa = not model.explicit_attention
    lora = None if plan["lora"] is None else plan["lora"]
    if micro != "auto":
        run.micro, run.tokens = int(micro), None
        return
    longest = max((run.data.length(i) for step in plan["schedule"] for i in step), default=1)
    free, source = free_memory(run.device, LOCAL_WORLD)
    run.micro = None
    run.tokens = token_budget(model.spec, free, run.precision, lora, model.checkpointing, sdpa, longest)
    one = estimate_step_memory(model.spec, 1, longest, run.precision, lora, model.checkpointing, sdpa)
    log(f"microBatchSize auto: micro-batches of up to {run.tokens} padded tokens ({run.tokens // longest} of the longest sample, {longest} tokens) — "
        f"{source}; estimated activations + loss {(one['activations'] + one['logits + loss']) / GIB:.2f} GiB per sample of {longest} tokens "
        f"({run.precision}, gradient checkpointing {'on' if model.checkpointing else 'off'}, {'SDPA' if sdpa else 'explicit attention'}), 85% of the free memory used")


def all_reduce_gradients(params):
    """The sum over the ranks of Σ weight·∇loss, as one flat buffer: one all_reduce per step.

    Not DistributedDataParallel: with DDP (bucketed, `no_sync` while accumulating, a sum hook)
    two of about six 2-process gloo runs on torch 1.13 hung in a collective, which was not
    diagnosed in the time there was; and for LoRA — this trainer's main job — the gradients are
    a few MB (16 MB for a 7B with r 8 on q/v), so overlapping their all-reduce with the backward
    gains nearly nothing. Full fine-tuning on many GPUs is where DDP would pay."""
    flat = torch.cat([p.grad.reshape(-1) for p in params])
    dist.all_reduce(flat)
    at = 0
    for p in params:
        n = p.numel()
        p.grad.copy_(flat[at:at + n].view_as(p))
        at += n


# ── one step ──────────────────────────────────────────────────────────────────────────────
def _autocast(run):
    if run.precision == "fp32":
        return contextlib.nullcontext()
    return torch.autocast(device_type=run.device.type, dtype=run.compute_dtype)


def _groups(run, batch):
    """(my positions in the global batch, my micro-batches as lists of positions)."""
    lengths = [run.data.length(i) for i in batch]
    mine = deal(lengths, WORLD)[RANK]
    return mine, micro_batches(mine, lengths, run.micro, run.tokens)


def _inputs(run, batch, group, step):
    indices = [batch[p] for p in group]
    ids, labels, time_ = run.data.collate(indices, run.device)
    seeds = [fnv1a(f"{run.plan['seed']}:{step}:{p}") for p in group]
    model = run.model
    dropout = SequenceDropout(seeds, [run.data.length(i) for i in indices], time_, run.device) if model.lora and model.lora_dropout > 0 else None
    return ids, labels, dropout


def online_epsilon(run, batch, mine, groups, step):
    """ε for the global batch from the plugin's estimator (it stays the one authority, spec §4):
    a pass without gradient gives each sample's mean NLL — the training pass's own, since the
    dropout masks are seeded per sample — gathered in global batch order, sent as one line on
    stdout; the answer comes back as one line on stdin and is broadcast. None when stopped while
    waiting."""
    cap = -(-len(batch) // WORLD)
    local = torch.full((cap, 2), float("nan"), dtype=torch.float64, device=run.device)
    at = 0
    with torch.no_grad(), _autocast(run):
        for group in groups:
            ids, labels, dropout = _inputs(run, batch, group, step)
            hidden = run.model.hidden_states(ids, dropout)
            nll = nll_per_sample(hidden, run.model.head_weight(), labels, run.plan["online"]["shift"], run.compute_dtype)
            for p, value in zip(group, nll.tolist()):
                local[at, 0], local[at, 1] = float(p), value
                at += 1
    gathered = [torch.empty_like(local) for _ in range(WORLD)] if WORLD > 1 else [local]
    if WORLD > 1:
        dist.all_gather(gathered, local)
    eps_all = torch.zeros(len(batch), dtype=torch.float64, device=run.device)
    if RANK == 0:
        nll = [float("nan")] * len(batch)
        for rows in gathered:
            for p, value in rows.cpu().tolist():
                if not math.isnan(p):
                    nll[int(p)] = value
        emit({"type": "nll", "step": step, "nll": nll})
        answer = wait_for_epsilon(step, len(batch))
        if answer is None:
            eps_all.fill_(float("nan"))
        else:
            eps_all = torch.tensor(answer["epsilon"], dtype=torch.float64, device=run.device)
            run.estimator = answer["state"]
    if WORLD > 1:
        dist.broadcast(eps_all, 0)
    if torch.isnan(eps_all).any():
        return None
    return eps_all.cpu().tolist()


def train_step(run, step):
    """One optimizer step over the global batch `plan.schedule[step-1]`; the step's record, or
    None when the run was stopped while waiting for ε."""
    plan = run.plan
    started = time.perf_counter()
    batch = plan["schedule"][step - 1]
    mine, groups = _groups(run, batch)
    if plan.get("online") is not None:
        eps_batch = online_epsilon(run, batch, mine, groups, step)
        if eps_batch is None:
            return None
    else:
        fixed = plan.get("epsilon")
        eps_batch = [fixed[i] if fixed is not None else 0.0 for i in batch]

    loss_sum, tokens = 0.0, 0
    weight = 1.0 / len(batch)
    # token-mean: each sample weighs its share of the global batch's target tokens (counted from
    # the token files, so every rank knows the total without a collective); sample-mean: 1/n
    targets = [run.data.targets(i) for i in batch] if run.aggregation == "token-mean" else None
    total_targets = sum(targets) if targets is not None else 0
    for k, group in enumerate(groups):
        ids, labels, dropout = _inputs(run, batch, group, step)
        eps = torch.tensor([eps_batch[p] for p in group], dtype=torch.float32, device=run.device)
        if targets is None:
            sample_weight = torch.full((len(group),), weight, dtype=torch.float32, device=run.device)
        else:
            share = [targets[p] / total_targets if total_targets > 0 else 0.0 for p in group]
            sample_weight = torch.tensor(share, dtype=torch.float32, device=run.device)
        with _autocast(run):
            loss = run.objective(ids, labels, eps, sample_weight, dropout)
        (run.scaler.scale(loss) if run.scaler is not None else loss).backward()
        loss_sum += loss.item()
        tokens += sum(run.data.length(batch[p]) for p in group) if weight > 0 else 0
    for p in run.params:
        if p.grad is None:
            p.grad = torch.zeros_like(p)
    if WORLD > 1:
        all_reduce_gradients(run.params)
    loss_total, tokens_total = all_sum([loss_sum, float(tokens)], run.device)
    lr = plan["lr"][step - 1]
    for group in run.optimizer.param_groups:
        group["lr"] = lr
    if run.scaler is not None:
        run.scaler.unscale_(run.optimizer)
    clip = plan["gradClip"]
    norm = float(torch.nn.utils.clip_grad_norm_(run.params, clip if clip is not None else float("inf")))
    finite = math.isfinite(loss_total) and math.isfinite(norm)
    if run.scaler is not None:
        # fp16: an overflow is the loss scale's business (lowered, the step skipped), not a NaN streak
        run.scaler.step(run.optimizer)
        run.scaler.update()
        finite = finite or math.isfinite(loss_total)
    elif finite:
        run.optimizer.step()
    run.nan_streak = 0 if finite else run.nan_streak + 1
    run.optimizer.zero_grad(set_to_none=True)
    if run.device.type == "cuda":
        torch.cuda.synchronize(run.device)
    seconds = time.perf_counter() - started
    record = {"type": "step", "step": step, "epoch": plan["epochs"][step - 1] + 1, "loss": loss_total, "lr": lr,
              "tokensPerSecond": tokens_total / seconds if seconds > 0 else 0.0, "tokens": int(tokens_total), "seconds": seconds,
              "gradNorm": norm, "epsilon": {"mean": sum(eps_batch) / len(eps_batch), "min": min(eps_batch), "max": max(eps_batch)}}
    if run.device.type == "cuda":
        record["peakMemory"] = torch.cuda.max_memory_allocated(run.device)
    if not finite:
        record["skipped"] = True
        record["loss"] = loss_total if math.isfinite(loss_total) else None
        record["gradNorm"] = norm if math.isfinite(norm) else None
        record["nanStreak"] = run.nan_streak
    return record


# ── the loop and its checkpoints ──────────────────────────────────────────────────────────
def checkpoint(run):
    if RANK != 0:
        return
    plan, step = run.plan, run.step
    total = plan["totalSteps"]
    state = {"format": "ual-trainer-torch/1", "step": step, "totalSteps": total,
             "cursor": {"step": step, "epoch": plan["epochs"][step] if step < total else plan["epochs"][step - 1], "schedule": "plan.json"},
             "nanStreak": run.nan_streak, "estimator": run.estimator, "fingerprint": plan["fingerprint"], "world": WORLD,
             "precision": run.precision}
    path = write_checkpoint(plan, run.model, run.optimizer, run.named, state)
    emit({"type": "checkpoint", "step": step, "path": path})


def train(plan_path):
    run = setup(plan_path)
    plan = run.plan
    total = plan["totalSteps"]
    while run.step < total:
        # every rank stops at the same step boundary, or one would wait forever in all_reduce
        if all_sum([1.0 if _stop["requested"] else 0.0], run.device)[0] > 0:
            emit({"type": "stopped", "step": run.step})
            break
        record = train_step(run, run.step + 1)
        if record is None:
            emit({"type": "stopped", "step": run.step})
            break
        run.step += 1
        emit(record)
        if record.get("skipped") and run.nan_streak >= plan["nanPatience"]:
            raise RuntimeError(f"{run.nan_streak} steps in a row had a non-finite loss or gradient (the last at step {run.step}); training stops. Lower lr, keep gradClip on, or look for broken samples in those batches.")
        if run.step % plan["checkpointEvery"] == 0 or run.step == total:
            checkpoint(run)
    else:
        emit({"type": "done", "step": run.step})
    if WORLD > 1:
        dist.destroy_process_group()


def main():
    if len(sys.argv) == 2 and sys.argv[1] == "--probe":
        probe()
        return
    if len(sys.argv) != 2:
        sys.stderr.write("usage: train.py <plan.json> | --probe\n")
        sys.exit(2)
    try:
        train(sys.argv[1])
    except (UnsupportedConfig, FileNotFoundError, ValueError, RuntimeError) as error:
        emit({"type": "error", "message": str(error)})
        sys.stderr.write(f"rank {RANK}: {error}\n")
        sys.exit(1)


if __name__ == "__main__":
    main()
