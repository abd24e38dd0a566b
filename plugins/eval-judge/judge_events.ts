import type { EvalEvent, EventDraft, JsonObject } from "@ual/core";
import { tallyJudgments, type PairJudgment } from "@ual/llm";
import type { JudgeQuestion } from "./read_questions.ts";

/** What the events say about the run besides the counts. */
export interface JudgeEventInfo {
  labels: { a: string; b: string };
  /** `openai:gpt-4.1`. */
  judge: string;
  promptVersion: string;
}

// The plugin's name: the runner would fill it in, but the event type wants it said.
const EVALUATOR = "@ual/eval-judge";

/** The subset every question belongs to. */
export const ALL_SUBSET = "all";

/**
 * The `eval` events of a judging run, per subset — each category that occurs (sorted), then
 * `all`: `win`, `tie` and `loss` (shares of the questions judged in both orders), `inconsistent`
 * (the share of those whose orders disagreed: position bias, counted as ties) and
 * `parseFailures` (a count: order judgments unreadable after the re-ask). Every event's
 * `details` carries the counts. A subset with no judged question gets only `parseFailures`.
 *
 * @example
 * ```ts
 * judgeEvents(results, { labels: { a: "ual", b: "sft" }, judge: "openai:gpt-4.1", promptVersion: "ual-judge-v1" });
 * // [{ type: "eval", metric: "win", value: 0.6, subset: "writing", details: { questions: 10, judged: 10, win: 6, … } }, …]
 * ```
 */
export function judgeEvents(results: ReadonlyArray<{ question: JudgeQuestion; judgment: PairJudgment }>, info: JudgeEventInfo): Array<EventDraft<EvalEvent>> {
  const categories = [...new Set(results.flatMap((r) => (r.question.category !== undefined ? [r.question.category] : [])))].sort();
  const events: Array<EventDraft<EvalEvent>> = [];
  for (const subset of [...categories, ALL_SUBSET]) {
    const inSubset = results.filter((r) => subset === ALL_SUBSET || r.question.category === subset).map((r) => r.judgment);
    const { rates, ...counts } = tallyJudgments(inSubset);
    const details: JsonObject = { ...counts, a: info.labels.a, b: info.labels.b, judge: info.judge, promptVersion: info.promptVersion };
    const event = (metric: string, value: number): EventDraft<EvalEvent> => ({ type: "eval", evaluator: EVALUATOR, metric, value, subset, details });
    if (rates) events.push(event("win", rates.win), event("tie", rates.tie), event("loss", rates.loss), event("inconsistent", rates.inconsistent));
    events.push(event("parseFailures", counts.parseFailures));
  }
  return events;
}
