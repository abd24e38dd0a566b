import type { OrderJudgment, PairJudgment } from "@ual/llm";
import { describe, expect, it } from "vitest";
import { judgeEvents } from "./judge_events.ts";
import { judgeRecord } from "./judge_record.ts";

const order = (o: Partial<OrderJudgment> = {}): OrderJudgment => ({ order: "a-first", verdict: "A", outcome: "win", cached: false, ...o });
const judged = (outcome: PairJudgment["outcome"], inconsistent = false): PairJudgment => ({
  outcome,
  inconsistent,
  aFirst: outcome === null ? order({ verdict: null, outcome: null, failure: "parse", reason: "unreadable" }) : order(),
  bFirst: order({ order: "b-first" }),
});
const info = { labels: { a: "ual", b: "sft" }, judge: "openai:gpt-4.1", promptVersion: "ual-judge-v1" };

describe("judgeEvents()", () => {
  it("judgeEvents() reports rates per category, then all, with the counts in details", () => {
    const results = [
      { question: { id: "1", category: "math", turns: ["q"] }, judgment: judged("win") },
      { question: { id: "2", category: "math", turns: ["q"] }, judgment: judged("tie", true) },
      { question: { id: "3", category: "art", turns: ["q"] }, judgment: judged("loss") },
      { question: { id: "4", turns: ["q"] }, judgment: judged(null) },
    ];
    const events = judgeEvents(results, info);
    expect(events.map((e) => `${e.subset}:${e.metric}=${e.value}`)).toEqual([
      "art:win=0", "art:tie=0", "art:loss=1", "art:inconsistent=0", "art:parseFailures=0",
      "math:win=0.5", "math:tie=0.5", "math:loss=0", "math:inconsistent=0.5", "math:parseFailures=0",
      "all:win=0.3333333333333333", "all:tie=0.3333333333333333", "all:loss=0.3333333333333333", "all:inconsistent=0.3333333333333333", "all:parseFailures=1",
    ]);
    expect(events.at(-1)).toMatchObject({ type: "eval", evaluator: "@ual/eval-judge", details: { questions: 4, judged: 3, win: 1, tie: 1, loss: 1, inconsistent: 1, parseFailures: 1, unjudged: 1, a: "ual", b: "sft", judge: "openai:gpt-4.1" } });
  });

  it("judgeEvents() gives a subset without a judged question only its parse failures", () => {
    const events = judgeEvents([{ question: { id: "1", turns: ["q"] }, judgment: judged(null) }], info);
    expect(events.map((e) => e.metric)).toEqual(["parseFailures"]);
  });
});

describe("judgeRecord()", () => {
  it("judgeRecord() keeps both orders' verdicts, rationales and failures", () => {
    expect(judgeRecord({ id: "1", category: "math", turns: ["q"] }, { ...judged(null), bFirst: order({ order: "b-first", rationale: "why", cost: { usd: 0.01 } }) })).toEqual({
      id: "1",
      category: "math",
      outcome: null,
      inconsistent: false,
      aFirst: { verdict: null, outcome: null, reason: "unreadable", failure: "parse", cached: false },
      bFirst: { verdict: "A", outcome: "win", rationale: "why", cached: false, costUsd: 0.01 },
    });
  });
});
