import type { AnswerOrder } from "./judge_pair.ts";
import type { Verdict } from "./verdict_schema.ts";

/** How model A (the model under test) fared against model B (the baseline). */
export type Outcome = "win" | "tie" | "loss";

/**
 * What a judge's verdict on one order means for model A: in the `a-first` order "A" (the first
 * answer is better) is a win; in the `b-first` order the first answer is model B's, so "A" is a
 * loss. A tie is a tie either way.
 *
 * @example
 * ```ts
 * outcomeOf("A", "a-first"); // "win"
 * outcomeOf("A", "b-first"); // "loss"
 * ```
 */
export function outcomeOf(verdict: Verdict, order: AnswerOrder): Outcome {
  if (verdict === "tie") return "tie";
  const firstWins = verdict === "A";
  return firstWins === (order === "a-first") ? "win" : "loss";
}

/** The two orders of one question, combined. */
export interface CombinedOutcome {
  outcome: Outcome;
  /**
   * True when the orders contradict each other (one a win, the other a loss): the judge
   * preferred a position, not an answer. Such a question counts as a tie.
   */
  inconsistent: boolean;
}

/**
 * Combines the outcomes of both orders of a question (spec §9): model A wins when it wins both,
 * or wins one and ties the other; it loses in the mirror cases; everything else is a tie — two
 * ties, or a win and a loss, which is position bias and is flagged `inconsistent`.
 *
 * @example
 * ```ts
 * combineOrders("win", "tie");  // { outcome: "win", inconsistent: false }
 * combineOrders("win", "loss"); // { outcome: "tie", inconsistent: true }
 * ```
 */
export function combineOrders(aFirst: Outcome, bFirst: Outcome): CombinedOutcome {
  const outcomes = [aFirst, bFirst];
  const wins = outcomes.filter((o) => o === "win").length;
  const losses = outcomes.filter((o) => o === "loss").length;
  if (wins > 0 && losses > 0) return { outcome: "tie", inconsistent: true };
  if (wins > 0) return { outcome: "win", inconsistent: false };
  if (losses > 0) return { outcome: "loss", inconsistent: false };
  return { outcome: "tie", inconsistent: false };
}
