#!/usr/bin/python3
"""@ual/trainer-torch's training script: plain PyTorch, one process per rank (started by torchrun
or by the plugin itself with RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT; env://
rendezvous). The plugin does the tokenizing, the batch schedule and the lr schedule on the
TypeScript side and hands them over in the run directory (plan.json + token files), so this
script needs no tokenizer and sees exactly the batches @ual/trainer-tfjs would.

    python3 train.py <plan.json>     train (rank 0 writes JSON lines to stdout)
    python3 train.py --probe         check that torch (and torch.distributed) start

Data parallel: rank r takes the r-th contiguous share of every global batch; each sample's loss
is weighted 1/(global batch size) and the gradients are summed over the ranks (all_reduce), so
the step minimises the mean over the global batch's samples (spec §3.2), whatever N is.
"""
import json
import math
import os
import secrets
import shutil
import signal
import sys
import time

import numpy as np
import torch
import torch.distributed as dist

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _loss import mean_nll_per_sample, smoothed_cross_entropy_per_sample  # noqa: E402
from _models import CausalLm, SequenceDropout, UnknownArchitecture  # noqa: E402
from _safetensors import read_safetensors, write_safetensors  # noqa: E402

RANK = int(os.environ.get("RANK", "0"))
WORLD = int(os.environ.get("WORLD_SIZE", "1"))
LOCAL_RANK = int(os.environ.get("LOCAL_RANK", "0"))
_stop = {"requested": False}


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


class Data:
    """The tokenized samples: concatenated int32 ids and labels, cut by offsets."""

    def __init__(self, plan, base):
        spec = plan["examples"]
        self.ids = np.fromfile(os.path.join(base, spec["ids"]), dtype="<i4")
        self.labels = np.fromfile(os.path.join(base, spec["labels"]), dtype="<i4")
        self.offsets = spec["offsets"]
        self.pad = spec["pad"]

    def length(self, i):
        return self.offsets[i + 1] - self.offsets[i]

    def collate(self, indices):
        """Right-padded [b, T] ids (PAD) and labels (−1), T = the longest of them."""
        time_ = max(self.length(i) for i in indices)
        ids = torch.full((len(indices), time_), self.pad, dtype=torch.long)
        labels = torch.full((len(indices), time_), -1, dtype=torch.long)
        for b, i in enumerate(indices):
            s, e = self.offsets[i], self.offsets[i + 1]
            ids[b, : e - s] = torch.from_numpy(self.ids[s:e].astype(np.int64))
            labels[b, : e - s] = torch.from_numpy(self.labels[s:e].astype(np.int64))
        return ids, labels, time_


def all_sum(values, device):
    t = torch.tensor(values, dtype=torch.float64, device=device)
    if WORLD > 1:
        dist.all_reduce(t)
    return t.cpu().tolist()


def wait_for_epsilon(exchange, step, count):
    """The plugin's answer to an `nll` line: ε for the global batch and the estimator's state."""
    path = os.path.join(exchange, f"eps-{step:06d}.json")
    delay = 0.0005
    while not os.path.exists(path):
        if _stop["requested"]:
            return None
        time.sleep(delay)
        delay = min(delay * 2, 0.02)
    with open(path) as f:
        answer = json.load(f)
    os.remove(path)
    if len(answer["epsilon"]) != count:
        raise RuntimeError(f"{path}: {len(answer['epsilon'])} ε values for a batch of {count}")
    return answer


def write_checkpoint(plan, model, optimizer, named, state):
    """Everything into a temporary directory beside the final one, the state file last, then one
    rename: a kill at any moment leaves no step-N directory or a complete one."""
    root = plan["checkpointsDir"]
    os.makedirs(root, exist_ok=True)
    step = state["step"]
    final = os.path.join(root, f"step-{step:06d}")
    temp = os.path.join(root, f".tmp-{step:06d}-{os.getpid()}-{secrets.token_hex(3)}")
    os.makedirs(temp)
    try:
        meta = {"format": "pt", "producer": "@ual/trainer-torch"}
        if model.lora:
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
            write_safetensors(os.path.join(temp, "model.safetensors"), model.weights, meta)
        moments = {}
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


def _write_json(path, value):
    with open(path, "w") as f:
        f.write(json.dumps(value, indent=2) + "\n")
        f.flush()
        os.fsync(f.fileno())


def load_checkpoint(directory, model, optimizer, named):
    if model.lora:
        tensors, _ = read_safetensors(os.path.join(directory, "adapter_model.safetensors"))
    else:
        tensors, _ = read_safetensors(os.path.join(directory, "model.safetensors"))
    for name, p in named:
        if name not in tensors:
            raise RuntimeError(f"{directory}: no tensor {name} in the checkpoint's weights")
        with torch.no_grad():
            p.copy_(tensors[name])
    moments, meta = read_safetensors(os.path.join(directory, "optimizer.safetensors"))
    step = int(meta.get("step", "0"))
    if step > 0:
        for name, p in named:
            optimizer.state[p] = {
                "step": torch.tensor(float(step)),
                "exp_avg": moments[name + ".exp_avg"].to(p.device),
                "exp_avg_sq": moments[name + ".exp_avg_sq"].to(p.device),
            }


def train(plan_path):
    base = os.path.dirname(os.path.abspath(plan_path))
    with open(plan_path) as f:
        plan = json.load(f)
    torch.set_num_threads(max(1, int(plan.get("threadsPerProcess", 1))))
    device = torch.device("cpu")
    if plan["device"] == "cuda":
        if not torch.cuda.is_available():
            raise RuntimeError("device cuda: torch.cuda.is_available() is false on this machine (use device: cpu, or install a CUDA build of torch)")
        device = torch.device("cuda", LOCAL_RANK)
        torch.cuda.set_device(device)
    if WORLD > 1:
        dist.init_process_group(plan["distributedBackend"], init_method="env://")
    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)

    model = CausalLm(plan["init"])
    if plan["lora"] is not None:
        lora = plan["lora"]
        model.attach_lora(lora["r"], lora["alpha"], lora["dropout"], lora["targets"], plan["seed"])
    if model.vocab < plan["vocabSize"]:
        raise RuntimeError(f"the tokenizer has {plan['vocabSize']} ids but {plan['init']} has only {model.vocab} embedding rows")
    for name in list(model.weights):
        model.weights[name] = model.weights[name].to(device)
    for layer, (a, b) in list(model.lora.items()):
        model.lora[layer] = (a.to(device), b.to(device))
    named = model.trainable()
    for _, p in named:
        p.requires_grad_(True)
    params = [p for _, p in named]
    optim = plan["optim"]
    optimizer = torch.optim.AdamW(params, lr=plan["lr"][0], betas=tuple(optim["betas"]), eps=optim["eps"], weight_decay=optim["weightDecay"])

    data = Data(plan, base)
    schedule, epochs, lrs = plan["schedule"], plan["epochs"], plan["lr"]
    total = plan["totalSteps"]
    fixed = plan.get("epsilon")
    online = plan.get("online")
    loss_options = plan["loss"]
    micro = plan["microBatchSize"]
    step, nan_streak, estimator = 0, 0, None
    if plan.get("resume"):
        with open(os.path.join(plan["resume"], "trainer_state.json")) as f:
            state = json.load(f)
        load_checkpoint(plan["resume"], model, optimizer, named)
        step, nan_streak, estimator = state["step"], state["nanStreak"], state.get("estimator")
    emit({"type": "ready", "world": WORLD, "device": str(device), "family": model.family, "step": step,
          "trainable": sum(p.numel() for p in params), "parameters": sum(t.numel() for t in model.weights.values()),
          "threads": torch.get_num_threads(), "torch": torch.__version__})

    while step < total:
        # every rank stops at the same step boundary, or one would wait forever in all_reduce
        if all_sum([1.0 if _stop["requested"] else 0.0], device)[0] > 0:
            emit({"type": "stopped", "step": step})
            break
        started = time.perf_counter()
        batch = schedule[step]
        epoch = epochs[step]
        step += 1
        share = math.ceil(len(batch) / WORLD)
        first = RANK * share
        mine = batch[first:first + share]
        weight = 1.0 / len(batch)
        seeds = [fnv1a(f"{plan['seed']}:{step}:{first + b}") for b in range(len(mine))]
        parts = [(mine[s:s + micro], seeds[s:s + micro]) for s in range(0, len(mine), micro)]

        def forward(indices, part_seeds):
            ids, labels, time_ = data.collate(indices)
            dropout = SequenceDropout(part_seeds, [data.length(i) for i in indices], time_) if model.lora and model.lora_dropout > 0 else None
            return model.logits(ids.to(device), dropout), labels.to(device)

        if online is not None:
            # ε from the plugin's estimator (it stays the one authority, spec §4): a pass without
            # gradient gives each sample's mean NLL — the training pass's own, since the dropout
            # masks are seeded per sample — gathered in global batch order, sent as one line;
            # the answer comes back as a file and is broadcast.
            local = []
            with torch.no_grad():
                for indices, part_seeds in parts:
                    logits, labels = forward(indices, part_seeds)
                    local += mean_nll_per_sample(logits, labels, online["shift"]).tolist()
            padded = torch.full((share,), float("nan"), dtype=torch.float64, device=device)
            if local:
                padded[: len(local)] = torch.tensor(local, dtype=torch.float64)
            if WORLD > 1:
                gathered = [torch.empty_like(padded) for _ in range(WORLD)]
                dist.all_gather(gathered, padded)
            else:
                gathered = [padded]
            eps_all = torch.zeros(len(batch), dtype=torch.float64, device=device)
            if RANK == 0:
                nll = [v for r, g in enumerate(gathered) for v in g.cpu().tolist()[: len(batch[r * share:(r + 1) * share])]]
                emit({"type": "nll", "step": step, "nll": nll})
                answer = wait_for_epsilon(online["exchange"], step, len(batch))
                if answer is None:
                    eps_all.fill_(float("nan"))
                else:
                    eps_all = torch.tensor(answer["epsilon"], dtype=torch.float64, device=device)
                    estimator = answer["state"]
            if WORLD > 1:
                dist.broadcast(eps_all, 0)
            if torch.isnan(eps_all).any():  # stopped while waiting
                emit({"type": "stopped", "step": step - 1})
                break
            eps_batch = eps_all.cpu().tolist()
        else:
            eps_batch = [fixed[i] if fixed is not None else 0.0 for i in batch]
        eps_mine = eps_batch[first:first + share]

        loss_sum, tokens = 0.0, 0
        offset = 0
        for indices, part_seeds in parts:
            logits, labels = forward(indices, part_seeds)
            eps = torch.tensor(eps_mine[offset:offset + len(indices)], dtype=torch.float32, device=device)
            per_sample = smoothed_cross_entropy_per_sample(logits, labels, eps, loss_options["convention"], loss_options["denominator"])
            loss = (per_sample * weight).sum()
            loss.backward()
            loss_sum += loss.item()
            tokens += sum(data.length(i) for i in indices)
            offset += len(indices)
        for p in params:
            if p.grad is None:
                p.grad = torch.zeros_like(p)
        if WORLD > 1:
            # one flat buffer: a single all_reduce per step (the sum over ranks of Σ weight·∇loss)
            flat = torch.cat([p.grad.reshape(-1) for p in params])
            dist.all_reduce(flat)
            at = 0
            for p in params:
                n = p.numel()
                p.grad.copy_(flat[at:at + n].view_as(p))
                at += n
        loss_total, tokens_total = all_sum([loss_sum, float(tokens)], device)
        lr = lrs[step - 1]
        for group in optimizer.param_groups:
            group["lr"] = lr
        clip = plan["gradClip"]
        norm = float(torch.nn.utils.clip_grad_norm_(params, clip if clip is not None else float("inf")))
        finite = math.isfinite(loss_total) and math.isfinite(norm)
        if finite:
            optimizer.step()
            nan_streak = 0
        else:
            nan_streak += 1
        optimizer.zero_grad(set_to_none=True)
        seconds = time.perf_counter() - started
        record = {"type": "step", "step": step, "epoch": epoch + 1, "loss": loss_total, "lr": lr,
                  "tokensPerSecond": tokens_total / seconds if seconds > 0 else 0.0, "tokens": int(tokens_total), "seconds": seconds,
                  "gradNorm": norm, "epsilon": {"mean": sum(eps_batch) / len(eps_batch), "min": min(eps_batch), "max": max(eps_batch)}}
        if not finite:
            record["skipped"] = True
            record["loss"] = loss_total if math.isfinite(loss_total) else None
            record["gradNorm"] = norm if math.isfinite(norm) else None
            record["nanStreak"] = nan_streak
        emit(record)
        if not finite and nan_streak >= plan["nanPatience"]:
            raise RuntimeError(f"{nan_streak} steps in a row had a non-finite loss or gradient (the last at step {step}); training stops. Lower lr, keep gradClip on, or look for broken samples in those batches.")
        if step % plan["checkpointEvery"] == 0 or step == total:
            if RANK == 0:
                state = {"format": "ual-trainer-torch/1", "step": step, "totalSteps": total,
                         "cursor": {"step": step, "epoch": epochs[step] if step < total else epoch, "schedule": "plan.json"},
                         "nanStreak": nan_streak, "estimator": estimator, "fingerprint": plan["fingerprint"], "world": WORLD}
                path = write_checkpoint(plan, model, optimizer, named, state)
                emit({"type": "checkpoint", "step": step, "path": path})
    else:
        emit({"type": "done", "step": step})
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
    except (UnknownArchitecture, FileNotFoundError, ValueError, RuntimeError) as error:
        emit({"type": "error", "message": str(error)})
        sys.stderr.write(f"rank {RANK}: {error}\n")
        sys.exit(1)


if __name__ == "__main__":
    main()
