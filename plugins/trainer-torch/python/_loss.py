"""The per-sample label-smoothed cross-entropy of @ual/nn (packages/nn/smoothed_cross_entropy.ts),
in PyTorch, and the per-sample mean NLL the online PPL-ratio estimator reads (spec §4.1).

spec §3.1: with a = ε/(V−1), c = 1−ε−a (`reference`) or a = ε/V, c = 1−ε (`uniform`, PyTorch's
label_smoothing), the token loss is ℓ = lse − c·z_y − a·Σ_j z_j. Written about the row maximum m,
ℓ = lse(z−m) − c·(z_y−m) − a·Σ_j (z_j−m) (the same, since c + a·V = 1), every term ≥ 0 so nothing
cancels in float32; no [B,T,V] target is built. spec §3.2: logits at t predict label t+1, −1 is
ignored; each sample's sum is divided by its shifted targets (`targets`) or by its unshifted
non-ignored labels (`reference`, the (T−1)/T quirk)."""
import torch


def _row_stats(logits, labels):
    """[B, T-1] each: lse(z−m), z_y−m, Σ_j (z_j−m), and the target mask, for the shifted targets."""
    z = logits[:, :-1]
    y = labels[:, 1:]
    mask = y != -1
    m = z.detach().amax(-1, keepdim=True)
    zc = z - m
    lse = torch.logsumexp(zc, -1)
    zy = zc.gather(-1, y.clamp(min=0).unsqueeze(-1)).squeeze(-1)
    return lse, zy, zc.sum(-1), mask


def smoothed_cross_entropy_per_sample(logits, labels, epsilon, convention="reference", denominator="targets"):
    """[B] losses; logits float32 [B,T,V], labels int64 [B,T] (−1 ignored), epsilon [B] (no gradient)."""
    if convention not in ("reference", "uniform"):
        raise ValueError(f"convention must be reference or uniform, got {convention!r}")
    if denominator not in ("targets", "reference"):
        raise ValueError(f"denominator must be targets or reference, got {denominator!r}")
    vocab = logits.shape[-1]
    eps = torch.as_tensor(epsilon, dtype=logits.dtype).reshape(-1, 1)
    a = eps / (vocab - 1) if convention == "reference" else eps / vocab
    c = 1 - eps - a if convention == "reference" else 1 - eps
    lse, zy, zsum, mask = _row_stats(logits, labels)
    token = lse - c * zy - a * zsum
    targets = mask.sum(1)
    den = targets if denominator == "targets" else (labels != -1).sum(1)
    total = (token * mask).sum(1)
    # a sample with no target contributes 0 (it is left out of training before it gets here)
    return torch.where(targets > 0, total / den.clamp(min=1), torch.zeros_like(total))


def mean_nll_per_sample(logits, labels, shift="next-token"):
    """[B] float64 mean NLL in nats (NaN where nothing is scored): over the shifted targets, or
    the reference's unshifted gather of label t at position t (spec §4.1)."""
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
