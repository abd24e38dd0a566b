"""Which samples of a global batch each rank trains on, and in which micro-batches.

A global batch's samples are dealt to the ranks longest first, each to the rank with the fewest
tokens so far (at most ⌈n/N⌉ samples each), so the ranks finish their backward passes at about
the same time; within a rank they are sorted by length and cut into micro-batches of similar
lengths (little padding). Every sample keeps its position in the global batch: its loss weight
(1/n), its dropout seed and its place in the online-ε exchange depend on that position only, so
N processes train exactly what one would (spec §3.2).
"""
import numpy as np
import torch


class Data:
    """The tokenized samples: concatenated int32 ids and labels, cut by offsets."""

    def __init__(self, ids_path, labels_path, offsets, pad):
        # memory-mapped: every process reads the same pages
        self.ids = np.memmap(ids_path, dtype="<i4", mode="r") if offsets[-1] > 0 else np.zeros(0, dtype="<i4")
        self.labels = np.memmap(labels_path, dtype="<i4", mode="r") if offsets[-1] > 0 else np.zeros(0, dtype="<i4")
        self.offsets = offsets
        self.pad = pad
        self._targets = None

    def length(self, i):
        return self.offsets[i + 1] - self.offsets[i]

    def targets(self, i):
        """Sample i's target tokens: labels at t ≥ 1 that are not −1 (logits at t−1 predict them)."""
        if self._targets is None:
            # one pass over the labels file: a running count of the non-ignored labels
            counted = np.concatenate([[0], np.cumsum(np.asarray(self.labels) != -1, dtype=np.int64)])
            starts = np.asarray(self.offsets[:-1], dtype=np.int64)
            ends = np.asarray(self.offsets[1:], dtype=np.int64)
            self._targets = np.where(ends > starts, counted[ends] - counted[np.minimum(starts + 1, ends)], 0).tolist()
        return self._targets[i]

    def collate(self, indices, device):
        """Right-padded [b, T] ids (PAD) and labels (−1) on `device`, T = the longest of them."""
        time_ = max(self.length(i) for i in indices)
        ids = torch.full((len(indices), time_), self.pad, dtype=torch.long)
        labels = torch.full((len(indices), time_), -1, dtype=torch.long)
        for b, i in enumerate(indices):
            s, e = self.offsets[i], self.offsets[i + 1]
            ids[b, : e - s] = torch.from_numpy(np.asarray(self.ids[s:e], dtype=np.int64))
            labels[b, : e - s] = torch.from_numpy(np.asarray(self.labels[s:e], dtype=np.int64))
        return ids.to(device, non_blocking=True), labels.to(device, non_blocking=True), time_


def deal(lengths, world):
    """[[position in the batch, …] per rank]: longest first to the least-loaded rank with room."""
    cap = -(-len(lengths) // world)
    order = sorted(range(len(lengths)), key=lambda p: (-lengths[p], p))
    ranks = [[] for _ in range(world)]
    load = [0] * world
    for p in order:
        r = min((r for r in range(world) if len(ranks[r]) < cap), key=lambda r: (load[r], r))
        ranks[r].append(p)
        load[r] += lengths[p]
    return [sorted(r) for r in ranks]


def micro_batches(positions, lengths, micro=None, tokens=None):
    """The rank's positions sorted by length (longest first) and cut into micro-batches of
    `micro` samples, or of at most `tokens` padded tokens (rows × the longest), at least one."""
    order = sorted(positions, key=lambda p: (-lengths[p], p))
    out, current = [], []
    for p in order:
        longest = lengths[current[0]] if current else lengths[p]
        full = len(current) >= micro if micro is not None else (len(current) + 1) * longest > tokens
        if current and full:
            out.append(current)
            current = []
        current.append(p)
    if current:
        out.append(current)
    return out
