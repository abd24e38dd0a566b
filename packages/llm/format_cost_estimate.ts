import type { CostEstimate } from "./estimate_cost.ts";

function usd(value: number): string {
  return value < 0.01 ? `$${value.toFixed(4)}` : `$${value.toFixed(2)}`;
}

/**
 * A cost estimate as lines for a terminal.
 *
 * @example
 * ```ts
 * console.log(formatCostEstimate(estimate));
 * // openai gpt-4o (prompt ual-rubric-v1)
 * // 100 samples, 98 distinct conversations, 10 cached, 88 to rate
 * // tokens: 61,600 in (tiktoken:o200k_base), ~704 out (at most 2,816)
 * // sync:  $0.1611 (at most $0.1822)
 * // batch: $0.0805 (at most $0.0911)
 * ```
 */
export function formatCostEstimate(estimate: Omit<CostEstimate, "summary">): string {
  const n = (value: number) => value.toLocaleString("en-US");
  const lines = [
    `${estimate.provider} ${estimate.model} (prompt ${estimate.promptVersion})`,
    `${n(estimate.samples)} samples, ${n(estimate.unique)} distinct conversations, ${n(estimate.cached)} cached, ${n(estimate.toRate)} to rate`,
    `tokens: ${n(estimate.inputTokens)} in (${estimate.tokenCounting}), ~${n(estimate.outputTokens)} out (at most ${n(estimate.maxOutputTokens)})`,
  ];
  if (estimate.sync && estimate.batch) {
    lines.push(`sync:  ${usd(estimate.sync.usd)} (at most ${usd(estimate.sync.maxUsd)})`);
    lines.push(`batch: ${usd(estimate.batch.usd)} (at most ${usd(estimate.batch.maxUsd)})`);
  } else {
    lines.push(`no price known for ${estimate.model}: add it under prices: in the stage's with: block`);
  }
  return lines.join("\n");
}
