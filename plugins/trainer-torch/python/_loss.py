"""The per-sample label-smoothed cross-entropy of @ual/nn (packages/nn/smoothed_cross_entropy.ts),
in PyTorch, and the per-sample mean NLL the online PPL-ratio estimator reads (spec §4.1).

spec §3.1: with a = ε/(V−1), c = 1−ε−a (`reference`) or a = ε/V, c = 1−ε (`uniform`, PyTorch's
label_smoothing), the token loss is ℓ = lse − c·z_y − a·Σ_j z_j and ∂ℓ/∂z = softmax(z) − q with
q = a + c·onehot(y). Written about the row maximum m, ℓ = lse(z−m) − c·(z_y−m) − a·Σ_j (z_j−m) (the
same, since c + a·V = 1), every term ≥ 0 so nothing cancels; the statistics are taken in float32
whatever the matmul's dtype. spec §3.2: logits at t predict label t+1, −1 is ignored; each sample's
sum is divided by its shifted targets (`targets`) or by its unshifted non-ignored labels
(`reference`, the (T−1)/T quirk).

The token-level losses of UAL's peers (`TokenLoss`, @ual/nn's token_loss.ts, the kinds of
@ual/losses): per target token w·CE_ε + λ·KL(q_base ‖ p), w a stop-gradient weight — 1, DFT's p_y
(arXiv 2508.05629) or EAFT's (H_K/s)^α (arXiv 2601.02151) — from the model's own unsmoothed
logits, and λ ASFT's anchor (arXiv 2509.23753) to the base model's distribution q_base. Its
gradient is w·(softmax − q_ε) + λ·(softmax − q_base).

Training uses `head_loss`: the head's matmul and the loss in chunks of target rows (Liger Kernel's
fused linear cross-entropy is the model), the gradient with respect to the hidden states (and the
head, when it trains) computed in the forward pass, so neither a [B,T,V] logit tensor nor a
[B,T,V] target ever exists — only [rows, V] of one chunk, in float32. The rows carry a weight each
(the sample's weight over its denominator); a term's own per-token weight (DFT, EAFT) is made
from the chunk's logits, and ASFT's base logits are the base model's hidden states of the same
rows times its head, one chunk at a time as well.
"""
import math

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
    """The spec §3.1 term: rows(z, y, eps, want_grad) → (ℓ [n], ∂ℓ/∂z [n, V] or None), z float32 [n, V]."""

    #: [rows, V] float32 buffers alive at once per chunk (the chunk size is set by it)
    buffers = 3
    needs_base = False

    def __init__(self, convention="reference"):
        _check(convention, "targets")
        self.convention = convention

    def rows(self, z, y, eps, want_grad, base=None):
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


WEIGHTINGS = ("none", "dft", "eaft")


def _entropy_weight(z, top_k, entropy_scale, alpha):
    """EAFT's (H_K / s)^α per row of z [..., V]: H_K the entropy of the softmax over the K =
    min(top_k, V) largest logits (the cheap proxy of the full entropy), s = ln K or a number."""
    k = min(top_k, z.shape[-1])
    s = math.log(k) if entropy_scale == "log-k" else float(entropy_scale)
    lq = torch.log_softmax(z.topk(k, -1).values, -1)
    # −Σ q·log q ≥ 0: a rounding error below 0 is dropped before the power
    h = (-(lq.exp() * lq).sum(-1)).clamp(min=0) / s
    return h if alpha == 1 else h.pow(alpha)


class TokenLoss:
    """w·CE_ε + λ·KL(q_base ‖ p) per row (see the module's docstring), @ual/nn's tokenLoss
    options in their names: `weighting` "none" | "dft" | "eaft", EAFT's `alpha` (1), `topK` (20)
    and `entropyScale` ("log-k" or a number), ASFT's `anchor` λ (0: no base logits needed), and
    the smoothed target's `convention`. rows(z, y, eps, want_grad, base) → (ℓ [n], ∂ℓ/∂z [n, V]),
    z and base (the base model's logits of the same rows) float32 [n, V]."""

    def __init__(self, weighting="none", alpha=1.0, topK=20, entropyScale="log-k", anchor=0.0, convention="reference"):
        if weighting not in WEIGHTINGS:
            raise ValueError(f"weighting must be one of {', '.join(WEIGHTINGS)}, got {weighting!r}")
        _check(convention, "targets")
        for key, value in (("alpha", alpha), ("anchor", anchor)):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
                raise ValueError(f"{key} must be a number ≥ 0, got {value!r}")
        if isinstance(topK, bool) or not isinstance(topK, int) or topK < 2:
            raise ValueError(f"topK must be an integer ≥ 2, got {topK!r}")
        if entropyScale != "log-k" and (isinstance(entropyScale, bool) or not isinstance(entropyScale, (int, float)) or not entropyScale > 0):
            raise ValueError(f'entropyScale must be "log-k" or a number > 0, got {entropyScale!r}')
        self.weighting, self.alpha, self.top_k, self.entropy_scale = weighting, float(alpha), topK, entropyScale
        self.anchor, self.convention = float(anchor), convention
        self.needs_base = self.anchor > 0
        # ASFT holds the base rows' log-probabilities and q_base besides z, z − max and the gradient
        self.buffers = 5 if self.needs_base else 3

    def weight(self, zc, zy, lse):
        """The stop-gradient weight per row (None for 1); zc = z − max, zy and lse about the max."""
        with torch.no_grad():
            if self.weighting == "dft":
                return torch.exp(zy - lse)  # p_y, the model's unsmoothed probability of the target
            if self.weighting == "eaft":
                return _entropy_weight(zc, self.top_k, self.entropy_scale, self.alpha)
        return None

    def rows(self, z, y, eps, want_grad, base=None):
        a, c = _smoothing(eps, z.shape[-1], self.convention)
        zc = z - z.amax(-1, keepdim=True)
        lse = torch.logsumexp(zc, -1)
        zy = zc.gather(-1, y[:, None]).squeeze(-1)
        w = self.weight(zc, zy, lse)
        loss = lse - c * zy - a * zc.sum(-1)
        if w is not None:
            loss = loss * w
        q_base = None
        if self.needs_base:
            if base is None:
                raise ValueError(f"anchor {self.anchor} needs the base model's logits of the same rows")
            log_base = torch.log_softmax(base, -1)
            q_base = log_base.exp()
            # KL(q_base ‖ p) = Σ_j q_j·(log q_j − log p_j), from the log-probabilities themselves so
            # that nothing of the size of z cancels (the KL is ≈ 0 at the start of training)
            diff = log_base.sub_(zc).add_(lse[:, None])
            loss = loss + self.anchor * diff.mul_(q_base).sum(-1)
            del diff, log_base
        if not want_grad:
            return loss, None
        grad = torch.exp(zc - lse[:, None])
        anchor_part = None
        if q_base is not None:
            anchor_part = q_base.mul_(-self.anchor).add_(grad, alpha=self.anchor)  # λ·(p − q_base)
        grad -= a[:, None]
        grad.scatter_add_(-1, y[:, None], -c[:, None])
        if w is not None:
            grad *= w[:, None]
        if anchor_part is not None:
            grad += anchor_part
        return loss, grad


KINDS = ("label-smoothing", "dft", "eaft", "asft")
AGGREGATIONS = ("token-mean", "sample-mean")
_OPTIONS = {"label-smoothing": ("convention", "denominator"), "dft": ("convention",),
            "eaft": ("convention", "alpha", "topK", "entropyScale"), "asft": ("convention", "alpha")}


def loss_from_spec(spec):
    """(term, denominator, aggregation) of a loss spec (@ual/core's LossSpec, as a loss plugin's
    `spec()` writes it; the mapping is @ual/nn's loss_from_spec.ts): `label-smoothing` (UAL, spec
    §3; options convention and denominator), `dft`, `eaft` (alpha, topK, entropyScale) and `asft`
    (alpha: the KL anchor λ, LLaMA-Factory's `asft_alpha`); each takes `convention`. A kind or an
    option it does not know is a ValueError naming it."""
    kind, options, aggregation = spec.get("kind"), dict(spec.get("options") or {}), spec.get("aggregation")
    if kind not in _OPTIONS:
        raise ValueError(f"unknown loss kind {kind!r}; this trainer knows {', '.join(KINDS)}")
    if aggregation not in AGGREGATIONS:
        raise ValueError(f"loss {kind}: aggregation must be one of {', '.join(AGGREGATIONS)}, got {aggregation!r}")
    unknown = sorted(set(options) - set(_OPTIONS[kind]))
    if unknown:
        raise ValueError(f"loss {kind}: unknown option{'s' if len(unknown) > 1 else ''} {', '.join(unknown)} (it takes {', '.join(_OPTIONS[kind])})")
    convention = options.get("convention", "reference")
    if kind == "label-smoothing":
        denominator = options.get("denominator", "targets")
        _check(convention, denominator)
        if denominator == "reference" and aggregation != "sample-mean":
            raise ValueError(f'loss label-smoothing: denominator "reference" is defined per sample only (aggregation sample-mean), got {aggregation}')
        return SmoothedCrossEntropy(convention), denominator, aggregation
    try:
        if kind == "dft":
            term = TokenLoss("dft", convention=convention)
        elif kind == "eaft":
            term = TokenLoss("eaft", alpha=options.get("alpha", 1), topK=options.get("topK", 20), entropyScale=options.get("entropyScale", "log-k"), convention=convention)
        else:
            term = TokenLoss("dft", anchor=options.get("alpha", 0.1), convention=convention)
    except ValueError as error:
        raise ValueError(f"loss {kind}: {error}") from None
    return term, "targets", aggregation


def _chunk_rows(vocab, buffers=3):
    return max(16, min(4096, CHUNK_ELEMENTS * 3 // buffers // max(vocab, 1)))


class _HeadLoss(torch.autograd.Function):
    """Σ_rows weight·Σ_terms ℓ over chunks; the gradients are made in the forward pass."""

    @staticmethod
    def forward(ctx, hidden, head, targets, eps, weight, terms, compute_dtype, base_hidden, base_head):
        rows = hidden.shape[0]
        want_head = ctx.needs_input_grad[1]
        grad_hidden = torch.empty_like(hidden)
        grad_head = torch.zeros(head.shape, dtype=torch.float32, device=head.device) if want_head else None
        total = torch.zeros((), dtype=torch.float32, device=hidden.device)
        w_head = head.detach().to(compute_dtype)
        w_base = None if base_hidden is None else base_head.detach().to(compute_dtype)
        step = _chunk_rows(head.shape[0], max(term.buffers for term in terms))
        for s in range(0, rows, step):
            e = min(rows, s + step)
            h = hidden[s:e].detach().to(compute_dtype)
            z = (h @ w_head.T).float()
            zb = None if w_base is None else (base_hidden[s:e].to(compute_dtype) @ w_base.T).float()
            dz = None
            for term in terms:
                loss, g = term.rows(z, targets[s:e], eps[s:e], True, zb if term.needs_base else None)
                total = total + (loss * weight[s:e]).sum()
                dz = g if dz is None else dz + g
            del z, zb
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
        return gh, gw, None, None, None, None, None, None, None


def target_rows(labels, shift="next-token"):
    """(b, t, y) of every scored position: logits at t predict label t+1 (`next-token`), or
    label t at t (`reference`, the reference's unshifted PPL gather, spec §4.1)."""
    if shift == "next-token":
        y = labels[:, 1:]
        b, t = torch.nonzero(y != -1, as_tuple=True)
        return b, t, y[b, t]
    b, t = torch.nonzero(labels != -1, as_tuple=True)
    return b, t, labels[b, t]


def head_loss(hidden, head, labels, epsilon, sample_weight, convention="reference", denominator="targets", compute_dtype=torch.float32, terms=None,
              base_hidden=None, base_head=None):
    """Σ_b sample_weight[b] · (sample b's loss: its sum over targets of Σ_terms ℓ, over its
    denominator), from the final hidden states [B, T, d] and the head [V, d], in chunks (see the
    module's docstring). `epsilon` and `sample_weight` are float32 [B] on the hidden states'
    device; `terms` default to the smoothed CE of `convention`; a term that `needs_base` (ASFT)
    reads the base model's hidden states `base_hidden` [B, T, d] (no gradient) and head
    `base_head`. Returns the float32 scalar, differentiable with respect to hidden and head."""
    _check(convention, denominator)
    terms = terms or [SmoothedCrossEntropy(convention)]
    b, t, y = target_rows(labels)
    targets = torch.bincount(b, minlength=labels.shape[0])
    den = targets if denominator == "targets" else (labels != -1).sum(1)
    per_row = (sample_weight / den.clamp(min=1).to(sample_weight.dtype))[b]
    rows = hidden[b, t]  # only the scored positions: [n, d]
    base_rows = None
    if any(term.needs_base for term in terms):
        if base_hidden is None or base_head is None:
            raise ValueError("this loss anchors to the base model: head_loss needs base_hidden and base_head")
        base_rows = base_hidden[b, t].detach()
    return _HeadLoss.apply(rows, head, y, epsilon[b].float(), per_row.float(), terms, compute_dtype, base_rows, base_head)


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


def token_loss_per_sample(logits, labels, epsilon, options, base_logits=None):
    """[B] each sample's mean over its targets of `TokenLoss(**options)` (0 without targets), from
    whole logits [B,T,V] (statistics in float32) by autograd: the weights carry no gradient, nor
    do the base logits. The check of the chunked path, and what the reference fixture holds."""
    term = TokenLoss(**options)
    eps = torch.as_tensor(epsilon, dtype=torch.float32, device=logits.device).reshape(-1, 1)
    a, c = _smoothing(eps, logits.shape[-1], term.convention)
    lse, zy, zsum, mask = _row_stats(logits, labels)
    token = lse - c * zy - a * zsum
    z = logits[:, :-1].float().detach()
    w = term.weight(z - z.amax(-1, keepdim=True), zy.detach(), lse.detach())
    if w is not None:
        token = token * w
    if term.needs_base:
        if base_logits is None:
            raise ValueError(f"anchor {term.anchor} needs base_logits")
        log_base = torch.log_softmax(base_logits[:, :-1].float().detach(), -1)
        log_p = torch.log_softmax(logits[:, :-1].float(), -1)
        token = token + term.anchor * (log_base.exp() * (log_base - log_p)).sum(-1)
    targets = mask.sum(1)
    total = (token * mask).sum(1)
    return torch.where(targets > 0, total / targets.clamp(min=1), torch.zeros_like(total))
