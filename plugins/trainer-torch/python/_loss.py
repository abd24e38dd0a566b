"""The per-sample label-smoothed cross-entropy of @ual/nn (packages/nn/smoothed_cross_entropy.ts),
in PyTorch, and the per-sample mean NLL the online PPL-ratio estimator reads (spec §4.1).

spec §3.1: with a = ε/(V−1), c = 1−ε−a (`reference`) or a = ε/V, c = 1−ε (`uniform`, PyTorch's
label_smoothing), the token loss is ℓ = lse − c·z_y − a·Σ_j z_j and ∂ℓ/∂z = softmax(z) − q with
q = a + c·onehot(y). Written about the row maximum m, ℓ = lse(z−m) − c·(z_y−m) − a·Σ_j (z_j−m) (the
same, since c + a·V = 1), every term ≥ 0 so nothing cancels; the statistics are taken in float32
whatever the matmul's dtype. spec §3.2: logits at t predict label t+1, −1 is ignored; each sample's
sum is divided by its shifted targets (`targets`) or by its unshifted non-ignored labels
(`reference`, the (T−1)/T quirk).

Training uses `head_loss`: the head's matmul and the loss in chunks of target rows (Liger Kernel's
fused linear cross-entropy is the model), the gradient with respect to the hidden states (and the
head, when it trains) computed in the forward pass, so neither a [B,T,V] logit tensor nor a
[B,T,V] target ever exists — only [rows, V] of one chunk, in float32. The rows carry a weight each
(the sample's weight over its denominator): a per-token weight (DFT-style) multiplies it, and a
further term (a KL to a reference's logits) is one more `terms` entry with the same signature as
`SmoothedCrossEntropy.rows`.
"""
import torch

#: float32 elements of one chunk's [rows, V] logits (≈ 128 MiB; three such buffers live at once)
CHUNK_ELEMENTS = 1 << 25


def _check(convention, denominator):
    if convention not in ("reference", "uniform"):
        raise ValueError(f"convention must be reference or uniform, got {convention!r}")
    if denominator not in ("targets", "reference"):
        raise ValueError(f"denominator must be targets or reference, got {denominator!r}")


def _smoothing(eps, vocab, convention):
    """(a, c) per row: q = a everywhere plus c on the target."""
    a = eps / (vocab - 1) if convention == "reference" else eps / vocab
    c = 1 - eps - a if convention == "reference" else 1 - eps
    return a, c


class SmoothedCrossEntropy:
    """The spec §3.1 term: rows(z, y, eps) → (ℓ [n], ∂ℓ/∂z [n, V] or None), z float32 [n, V]."""

    def __init__(self, convention="reference"):
        _check(convention, "targets")
        self.convention = convention

    def rows(self, z, y, eps, want_grad):
        a, c = _smoothing(eps, z.shape[-1], self.convention)
        m = z.amax(-1, keepdim=True)
        zc = z - m
        lse = torch.logsumexp(zc, -1)
        zy = zc.gather(-1, y[:, None]).squeeze(-1)
        loss = lse - c * zy - a * zc.sum(-1)
        if not want_grad:
            return loss, None
        grad = torch.exp(zc - lse[:, None])
        grad -= a[:, None]
        grad.scatter_add_(-1, y[:, None], -c[:, None])
        return loss, grad


def _chunk_rows(vocab):
    return max(16, min(4096, CHUNK_ELEMENTS // max(vocab, 1)))


class _HeadLoss(torch.autograd.Function):
    """Σ_rows weight·Σ_terms ℓ over chunks; the gradients are made in the forward pass."""

    @staticmethod
    def forward(ctx, hidden, head, targets, eps, weight, terms, compute_dtype):
        rows = hidden.shape[0]
        want_head = ctx.needs_input_grad[1]
        grad_hidden = torch.empty_like(hidden)
        grad_head = torch.zeros(head.shape, dtype=torch.float32, device=head.device) if want_head else None
        total = torch.zeros((), dtype=torch.float32, device=hidden.device)
        w_head = head.detach().to(compute_dtype)
        step = _chunk_rows(head.shape[0])
        for s in range(0, rows, step):
            e = min(rows, s + step)
            h = hidden[s:e].detach().to(compute_dtype)
            z = (h @ w_head.T).float()
            dz = None
            for term in terms:
                loss, g = term.rows(z, targets[s:e], eps[s:e], True)
                total = total + (loss * weight[s:e]).sum()
                dz = g if dz is None else dz + g
            del z
            dz *= weight[s:e, None]
            dzc = dz.to(compute_dtype)
            grad_hidden[s:e] = (dzc @ w_head).to(hidden.dtype)
            if want_head:
                grad_head += (dzc.T @ h).float()
        ctx.save_for_backward(grad_hidden, grad_head if want_head else torch.empty(0))
        ctx.want_head = want_head
        ctx.head_dtype = head.dtype
        return total

    @staticmethod
    def backward(ctx, grad_output):
        grad_hidden, grad_head = ctx.saved_tensors
        gh = grad_hidden * grad_output.to(grad_hidden.dtype)
        gw = (grad_head * grad_output).to(ctx.head_dtype) if ctx.want_head else None
        return gh, gw, None, None, None, None, None


def target_rows(labels, shift="next-token"):
    """(b, t, y) of every scored position: logits at t predict label t+1 (`next-token`), or
    label t at t (`reference`, the reference's unshifted PPL gather, spec §4.1)."""
    if shift == "next-token":
        y = labels[:, 1:]
        b, t = torch.nonzero(y != -1, as_tuple=True)
        return b, t, y[b, t]
    b, t = torch.nonzero(labels != -1, as_tuple=True)
    return b, t, labels[b, t]


def head_loss(hidden, head, labels, epsilon, sample_weight, convention="reference", denominator="targets", compute_dtype=torch.float32, token_weight=None, terms=None):
    """Σ_b sample_weight[b] · (per-sample smoothed CE of sample b), from the final hidden states
    [B, T, d] and the head [V, d], in chunks (see the module's docstring). `epsilon` and
    `sample_weight` are float32 [B] on the hidden states' device; `token_weight` [B, T-1] (a
    later token-level loss's weights) multiplies each target's row weight. Returns the float32
    scalar, differentiable with respect to hidden and head."""
    _check(convention, denominator)
    b, t, y = target_rows(labels)
    targets = torch.bincount(b, minlength=labels.shape[0])
    den = targets if denominator == "targets" else (labels != -1).sum(1)
    per_row = (sample_weight / den.clamp(min=1).to(sample_weight.dtype))[b]
    if token_weight is not None:
        per_row = per_row * token_weight[b, t]
    rows = hidden[b, t]  # only the scored positions: [n, d]
    terms = terms or [SmoothedCrossEntropy(convention)]
    return _HeadLoss.apply(rows, head, y, epsilon[b].float(), per_row.float(), terms, compute_dtype)


def nll_per_sample(hidden, head, labels, shift="next-token", compute_dtype=torch.float32):
    """[B] float64 mean NLL in nats (NaN where nothing is scored), chunked as head_loss, without
    gradient — the online estimator's input (spec §4.1)."""
    with torch.no_grad():
        b, t, y = target_rows(labels, shift)
        rows = hidden[b, t]
        term = SmoothedCrossEntropy("reference")
        zero = torch.zeros(rows.shape[0], dtype=torch.float32, device=hidden.device)
        w_head = head.to(compute_dtype)
        out = torch.zeros(rows.shape[0], dtype=torch.float64, device=hidden.device)
        step = _chunk_rows(head.shape[0])
        for s in range(0, rows.shape[0], step):
            z = (rows[s:s + step].to(compute_dtype) @ w_head.T).float()
            out[s:s + step] = term.rows(z, y[s:s + step], zero[s:s + step], False)[0].double()
        count = torch.bincount(b, minlength=labels.shape[0])
        total = torch.zeros(labels.shape[0], dtype=torch.float64, device=hidden.device).index_add_(0, b, out)
        return torch.where(count > 0, total / count.clamp(min=1), torch.full_like(total, float("nan")))


# ── from whole logits (the reference fixtures' interface, and the check of the chunked path) ──
def _row_stats(logits, labels):
    """[B, T-1] each: lse(z−m), z_y−m, Σ_j (z_j−m), and the target mask, for the shifted targets."""
    z = logits[:, :-1].float()
    y = labels[:, 1:]
    mask = y != -1
    m = z.detach().amax(-1, keepdim=True)
    zc = z - m
    lse = torch.logsumexp(zc, -1)
    zy = zc.gather(-1, y.clamp(min=0).unsqueeze(-1)).squeeze(-1)
    return lse, zy, zc.sum(-1), mask


def smoothed_cross_entropy_per_sample(logits, labels, epsilon, convention="reference", denominator="targets"):
    """[B] losses; logits [B,T,V] (computed in float32), labels int64 [B,T] (−1 ignored), epsilon [B] (no gradient)."""
    _check(convention, denominator)
    vocab = logits.shape[-1]
    eps = torch.as_tensor(epsilon, dtype=torch.float32, device=logits.device).reshape(-1, 1)
    a, c = _smoothing(eps, vocab, convention)
    lse, zy, zsum, mask = _row_stats(logits, labels)
    token = lse - c * zy - a * zsum
    targets = mask.sum(1)
    den = targets if denominator == "targets" else (labels != -1).sum(1)
    total = (token * mask).sum(1)
    # a sample with no target contributes 0 (it is left out of training before it gets here)
    return torch.where(targets > 0, total / den.clamp(min=1), torch.zeros_like(total))


def mean_nll_per_sample(logits, labels, shift="next-token"):
    """[B] float64 mean NLL in nats (NaN where nothing is scored), from whole logits."""
    with torch.no_grad():
        if shift == "next-token":
            lse, zy, _, mask = _row_stats(logits, labels)
            nll = ((lse - zy) * mask).sum(1).double()
            count = mask.sum(1)
        else:
            mask = labels != -1
            logp = torch.log_softmax(logits.double(), -1)
            picked = logp.gather(-1, labels.clamp(min=0).unsqueeze(-1)).squeeze(-1)
            nll = (-picked * mask).sum(1)
            count = mask.sum(1)
        return torch.where(count > 0, nll / count.clamp(min=1), torch.full_like(nll, float("nan")))
