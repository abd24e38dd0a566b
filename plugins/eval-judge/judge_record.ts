import type { JsonObject } from "@ual/core";
import type { OrderJudgment, PairJudgment } from "@ual/llm";
import type { JudgeQuestion } from "./read_questions.ts";

function order(judgment: OrderJudgment): JsonObject {
  return {
    verdict: judgment.verdict,
    outcome: judgment.outcome,
    ...(judgment.rationale !== undefined ? { rationale: judgment.rationale } : {}),
    ...(judgment.reason !== undefined ? { reason: judgment.reason } : {}),
    ...(judgment.failure !== undefined ? { failure: judgment.failure } : {}),
    cached: judgment.cached,
    ...(judgment.cost ? { costUsd: judgment.cost.usd } : {}),
  };
}

/**
 * One line of `judge.jsonl`: a question's id and category, model A's combined outcome (null when
 * an order has no verdict), whether the orders disagreed, and each order's verdict (by position:
 * "A" = the answer shown first), its meaning for model A, the rationale or the reason there is
 * none, and whether it came from the cache.
 *
 * @example
 * ```ts
 * judgeRecord(question, judgment);
 * // { id: "81", category: "writing", outcome: "win", inconsistent: false, aFirst: { verdict: "A", outcome: "win", rationale: "…", cached: false }, bFirst: { … } }
 * ```
 */
export function judgeRecord(question: JudgeQuestion, judgment: PairJudgment): JsonObject {
  return {
    id: question.id,
    ...(question.category !== undefined ? { category: question.category } : {}),
    outcome: judgment.outcome,
    inconsistent: judgment.inconsistent,
    aFirst: order(judgment.aFirst),
    bFirst: order(judgment.bFirst),
  };
}
