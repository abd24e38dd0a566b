/** Which way a metric is better: `lower` (a loss, a divergence), `higher` (an accuracy), or unknown. */
export type MetricDirection = "lower" | "higher" | undefined;

// The one place that knows what UAL's evaluators' metric names mean (spec §6): NLL and KL are
// costs, the rest are scores. Matched as whole words of the name, so that `kl` does not match
// `checklist` and `acc_norm` or `silhouette-all` still match.
const LOWER = ["nll", "kl", "loss", "perplexity", "ppl", "ece"];
const HIGHER = ["accuracy", "acc", "acc_norm", "best_of_n", "best_of_n_sampled", "validity", "distinct", "silhouette", "win"];

/**
 * The direction in which a metric is better, from its name: `lower` for nll, kl, loss, perplexity;
 * `higher` for accuracy, acc, acc_norm, best-of-N, validity, distinct, silhouette, win rates; `undefined` when
 * the name does not tell. A chart or table says so in its caption instead of guessing.
 *
 * @example
 * ```ts
 * metricDirection("nll"); // "lower"
 * metricDirection("silhouette-random"); // "higher"
 * metricDirection("score"); // undefined
 * ```
 */
export function metricDirection(metric: string): MetricDirection {
  const name = metric.toLowerCase();
  // the whole name first (acc_norm, best_of_n), then its words (first_token_acc, silhouette-all)
  for (const candidates of [[name], name.split(/[^a-z0-9]+/)]) {
    if (candidates.some((w) => LOWER.includes(w))) return "lower";
    if (candidates.some((w) => HIGHER.includes(w))) return "higher";
  }
  return undefined;
}
