"""The PyTorch side of `npm run bench:train`: the same GPT-2-family model, loss and optimizer as
@ual/trainer-tfjs, trained for a few steps on random tokens. Prints one JSON line.

Usage: /usr/bin/python3 torch_train.py '{"vocab":256,"d":128,"layers":4,"heads":4,"ctx":128,"batch":8,"steps":5,"threads":2}'
"""
import json
import math
import os
import resource
import sys
import time

import torch
import torch.nn.functional as F

cfg = json.loads(sys.argv[1])
torch.set_num_threads(cfg.get("threads", 2))
torch.manual_seed(0)
V, d, L, H, T, B = cfg["vocab"], cfg["d"], cfg["layers"], cfg["heads"], cfg["ctx"], cfg["batch"]


class Block(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.ln_1 = torch.nn.LayerNorm(d)
        self.c_attn = torch.nn.Linear(d, 3 * d)
        self.c_proj = torch.nn.Linear(d, d)
        self.ln_2 = torch.nn.LayerNorm(d)
        self.c_fc = torch.nn.Linear(d, 4 * d)
        self.mlp_proj = torch.nn.Linear(4 * d, d)
        self.register_buffer("mask", torch.tril(torch.ones(T, T, dtype=torch.bool)))

    def forward(self, x):
        b, t, _ = x.shape
        q, k, v = self.c_attn(self.ln_1(x)).split(d, dim=2)
        q, k, v = (z.view(b, t, H, d // H).transpose(1, 2) for z in (q, k, v))
        att = (q @ k.transpose(-2, -1)) / math.sqrt(d // H)
        att = att.masked_fill(~self.mask[:t, :t], -1e9).softmax(-1)
        y = (att @ v).transpose(1, 2).reshape(b, t, d)
        x = x + self.c_proj(y)
        return x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x)), approximate="tanh"))


class GPT(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.wte = torch.nn.Embedding(V, d)
        self.wpe = torch.nn.Embedding(T, d)
        self.h = torch.nn.ModuleList([Block() for _ in range(L)])
        self.ln_f = torch.nn.LayerNorm(d)

    def forward(self, ids):
        x = self.wte(ids) + self.wpe(torch.arange(ids.shape[1]))
        for block in self.h:
            x = block(x)
        return self.ln_f(x) @ self.wte.weight.t()


def smoothed_ce(logits, labels, eps):
    # spec §3.1, closed form: ℓ = lse − (1 − ε − a)·z_y − a·Σz with a = ε/(V−1); per-sample mean, then mean
    z = logits[:, :-1].float()
    y = labels[:, 1:]
    a = eps / (V - 1)
    tok = torch.logsumexp(z, -1) - (1 - eps - a) * z.gather(-1, y.unsqueeze(-1)).squeeze(-1) - a * z.sum(-1)
    return tok.mean(1).mean()


model = GPT()
# GPT-2's initialisation, as @ual/models draws it: N(0, 0.02), residual projections N(0, 0.02/√(2L)), zero biases
for name, p in model.named_parameters():
    if name.endswith("bias"):
        torch.nn.init.zeros_(p)
    elif "ln_" in name:
        torch.nn.init.ones_(p)
    else:
        std = 0.02 / math.sqrt(2 * L) if name.endswith("c_proj.weight") or name.endswith("mlp_proj.weight") else 0.02
        torch.nn.init.normal_(p, 0.0, std)
opt = torch.optim.AdamW(model.parameters(), lr=3e-4, weight_decay=0.0)
ids = torch.randint(0, V, (B, T))
times = []
for step in range(cfg["steps"]):
    t0 = time.perf_counter()
    loss = smoothed_ce(model(ids), ids, 0.1)
    opt.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    times.append(time.perf_counter() - t0)
# the first step warms up allocators and kernels; report the median of the rest
rest = sorted(times[1:]) or times
median = rest[len(rest) // 2]
peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def blas_libraries():
    """The BLAS/LAPACK shared libraries this process has mapped (Debian's torch links libblas.so.3,
    which the alternatives system points at the reference BLAS or at OpenBLAS)."""
    found = set()
    with open("/proc/self/maps") as maps:
        for line in maps:
            path = line.split()[-1]
            if path.startswith("/") and any(k in path for k in ("blas", "mkl", "blis", "lapack")):
                found.add(os.path.realpath(path))
    return sorted(found)


def matmul_gflops(n=1024, reps=10):
    a, b = torch.randn(n, n), torch.randn(n, n)
    for _ in range(2):
        a @ b
    best = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - t0)
    return 2 * n ** 3 / best / 1e9


print(json.dumps({
    "tokensPerSecond": B * T / median,
    "stepMs": median * 1000,
    "peakRssMb": peak_rss_mb,
    "blasLibraries": blas_libraries(),
    "matmulGflops": matmul_gflops(),
    "threads": torch.get_num_threads(),
    "torch": torch.__version__,
    "loss": loss.item(),
}))
