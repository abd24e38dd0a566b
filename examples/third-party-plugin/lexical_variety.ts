import type { Sample } from "@ual/core";

/**
 * Rates a dialogue 0–99 by the share of distinct words in its assistant turns: answers that
 * repeat a few tokens (numbers, labels) score low, varied prose scores high. A toy signal, but a
 * real one, and cheap — the shape any estimator plugin follows.
 *
 * @example
 * ```ts
 * lexicalVariety({ id: "x", metadata: {}, turns: [{ role: "assistant", content: "4" }] }); // 0
 * ```
 */
export function lexicalVariety(sample: Sample, minWords = 3): number {
  const words = sample.turns
    .filter((turn) => turn.role === "assistant")
    .flatMap((turn) => turn.content.toLowerCase().match(/[\p{L}']+/gu) ?? []);
  if (words.length < minWords) return 0;
  const distinct = new Set(words).size;
  // Type-token ratio falls with length; the log damps that so long answers are not penalised.
  const ratio = distinct / words.length;
  const lengthBoost = Math.min(1, Math.log10(words.length) / 2);
  return Math.round(99 * ratio * lengthBoost);
}
