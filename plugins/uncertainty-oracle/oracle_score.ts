import type { Sample, UncertaintyResult } from "@ual/core";

/** How {@linkcode oracleScore} turns an entropy into a score. */
export interface OracleScoreOptions {
  /**
   * `"0-99"` (default): 99 · H / H_max, the paper's scale (spec §1.2), clipped at 99.
   * `"nats"`: H itself.
   */
  scale?: "0-99" | "nats";
  /**
   * H_max for the 0–99 scale. Default: the sample's `metadata.maxEntropy`, which
   * `@ual/source-testbed` sets to the largest entropy of any of its prompts (ln 12 ≈ 2.485 nats).
   */
  maxEntropy?: number;
}

const SOURCE = "oracle:entropy";

/**
 * The perfect uncertainty estimate: a sample's true conditional entropy H(answer | prompt), read
 * from `metadata.entropy` (nats) as `@ual/source-testbed` writes it — so UAL can be run with an
 * estimator that is never wrong, next to PPL-ratio and the LLM raters (issue 6). A one-answer
 * prompt scores 0, "Name a month." (12 equally likely answers) 99.
 *
 * A sample without a usable `entropy` gets `score: null` and a reason; the mapper imputes it. On
 * the 0–99 scale, an entropy above H_max scores 99 and the reason says it was clipped.
 *
 * @example
 * ```ts
 * const sample = { id: "a", turns: [], metadata: { entropy: Math.log(4), maxEntropy: Math.log(16) } };
 * oracleScore(sample); // { score: 49.5, source: "oracle:entropy" }
 * oracleScore(sample, { scale: "nats" }); // { score: 1.386…, source: "oracle:entropy" }
 * oracleScore({ id: "b", turns: [], metadata: {} }); // { score: null, reason: "no metadata.entropy …", … }
 * ```
 */
export function oracleScore(sample: Sample, options: OracleScoreOptions = {}): UncertaintyResult {
  const scale = options.scale ?? "0-99";
  const entropy = sample.metadata.entropy;
  if (entropy === undefined || entropy === null) {
    return { score: null, reason: "no metadata.entropy: the oracle needs each sample's true entropy (as @ual/source-testbed writes it)", source: SOURCE };
  }
  if (typeof entropy !== "number" || !Number.isFinite(entropy) || entropy < 0) {
    return { score: null, reason: `metadata.entropy is ${JSON.stringify(entropy)}, not an entropy in nats (a finite number ≥ 0)`, source: SOURCE };
  }
  if (scale === "nats") return { score: entropy, source: SOURCE };

  const maxEntropy = options.maxEntropy ?? sample.metadata.maxEntropy;
  if (typeof maxEntropy !== "number" || !(maxEntropy > 0) || !Number.isFinite(maxEntropy)) {
    const got = maxEntropy === undefined ? "no metadata.maxEntropy" : `metadata.maxEntropy is ${JSON.stringify(maxEntropy)}`;
    return { score: null, reason: `${got} to scale by; set the oracle's maxEntropy option, or scale: nats`, source: SOURCE };
  }
  const score = (99 * entropy) / maxEntropy;
  if (score > 99) {
    return { score: 99, reason: `entropy ${entropy.toFixed(4)} nats is above maxEntropy ${maxEntropy}; clipped to 99`, source: SOURCE };
  }
  return { score, source: SOURCE };
}
