import type { PairJudgment } from "./create_judge.ts";

/** Win/tie/loss counts of model A over a set of questions, and what kept questions out. */
export interface JudgeTally {
  /** Questions judged (or tried). */
  questions: number;
  /** Questions with a verdict in both orders: the denominator of the rates. */
  judged: number;
  win: number;
  tie: number;
  loss: number;
  /** Judged questions whose orders contradicted each other (counted as ties). */
  inconsistent: number;
  /** Order judgments whose reply could not be read after the re-ask. */
  parseFailures: number;
  /** Questions left out: a parse failure, a failed or refused request, or the budget, in either order. */
  unjudged: number;
  /** Shares of the judged questions; absent when none was judged. */
  rates?: { win: number; tie: number; loss: number; inconsistent: number };
}

/**
 * Counts model A's wins, ties and losses over combined judgments (spec §9). Rates are shares of
 * the questions judged in both orders; a question with no verdict in either order is counted
 * as `unjudged` rather than as a tie, so that a flaky judge cannot pull the rates towards 50/50.
 *
 * @example
 * ```ts
 * const tally = tallyJudgments(judgments);
 * console.log(`win ${tally.rates?.win} · tie ${tally.rates?.tie} · loss ${tally.rates?.loss}`);
 * ```
 */
export function tallyJudgments(judgments: Iterable<PairJudgment>): JudgeTally {
  const tally: JudgeTally = { questions: 0, judged: 0, win: 0, tie: 0, loss: 0, inconsistent: 0, parseFailures: 0, unjudged: 0 };
  for (const judgment of judgments) {
    tally.questions++;
    for (const order of [judgment.aFirst, judgment.bFirst]) if (order.failure === "parse") tally.parseFailures++;
    if (judgment.outcome === null) {
      tally.unjudged++;
      continue;
    }
    tally.judged++;
    tally[judgment.outcome]++;
    if (judgment.inconsistent) tally.inconsistent++;
  }
  if (tally.judged > 0) {
    const n = tally.judged;
    tally.rates = { win: tally.win / n, tie: tally.tie / n, loss: tally.loss / n, inconsistent: tally.inconsistent / n };
  }
  return tally;
}
