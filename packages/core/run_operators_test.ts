import { TestScheduler } from "rxjs/testing";
import { describe, expect, test } from "vitest";
import type { EventDraft, UalEvent } from "./events.ts";
import { createRedactor } from "./redact.ts";
import { emptySummary, notifyReporters, redactEvents, stampEvents, tallyEvent, tallyEvents, writeEventLog } from "./run_operators.ts";

function scheduler() {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

const at = (event: EventDraft, time = "2026-01-01T00:00:00.000Z"): UalEvent => ({ ...event, runId: "r1", time }) as UalEvent;
const log = (message: string): EventDraft => ({ type: "log", level: "warn", message });
const rating = (sampleId: string, score: number | null, extra: object = {}): EventDraft => ({ type: "uncertainty", sampleId, score, source: "est", ...extra });

describe("stampEvents()", () => {
  test("gives each draft the run id and the time it passes, keeping order and timing", () => {
    scheduler().run(({ cold, expectObservable }) => {
      let tick = 0;
      const now = () => new Date(Date.UTC(2026, 0, 1, 0, 0, tick++));
      const drafts = cold<EventDraft>("a-b|", { a: log("one"), b: rating("s0", 3) });
      expectObservable(drafts.pipe(stampEvents("r1", now))).toBe("a-b|", {
        a: at(log("one"), "2026-01-01T00:00:00.000Z"),
        b: at(rating("s0", 3), "2026-01-01T00:00:01.000Z"),
      });
    });
  });
});

describe("redactEvents()", () => {
  test("replaces secrets in log and error messages only", () => {
    scheduler().run(({ cold, expectObservable }) => {
      const redact = createRedactor(["sk-secret-123"]);
      const error = at({ type: "error", message: "401 for sk-secret-123", fatal: false });
      const input = cold<UalEvent>("abc|", { a: at(log("key sk-secret-123 refused")), b: at(rating("sk-secret-123", 1)), c: error });
      expectObservable(input.pipe(redactEvents(redact))).toBe("abc|", {
        a: at(log("key [redacted] refused")),
        // Ids are the user's data, not text a plugin wrote: left alone (the log line is redacted whole).
        b: at(rating("sk-secret-123", 1)),
        c: { ...error, message: "401 for [redacted]" },
      });
    });
  });
});

describe("writeEventLog()", () => {
  test("writes each event as one redacted JSON line before passing it on; a sample keeps only its id", () => {
    const lines: string[] = [];
    scheduler().run(({ cold, expectObservable }) => {
      const sample = at({ type: "sample", index: 0, sample: { id: "s0", turns: [{ role: "user", content: "hi" }], metadata: {}, location: { file: "d.jsonl", line: 1 } } });
      const input = cold<UalEvent>("a-b|", { a: sample, b: at(rating("s0", 4, { reason: "tok-abcdef1" })) });
      expectObservable(input.pipe(writeEventLog({ write: (l) => lines.push(l) }, createRedactor(["tok-abcdef1"])))).toBe("a-b|", { a: sample, b: at(rating("s0", 4, { reason: "tok-abcdef1" })) });
    });
    expect(lines.map((l) => JSON.parse(l) as Record<string, unknown>)).toEqual([
      { type: "sample", index: 0, sampleId: "s0", turns: 1, location: { file: "d.jsonl", line: 1 }, runId: "r1", time: "2026-01-01T00:00:00.000Z" },
      { type: "uncertainty", sampleId: "s0", score: 4, source: "est", reason: "[redacted]", runId: "r1", time: "2026-01-01T00:00:00.000Z" },
    ]);
  });
});

describe("tallyEvent()", () => {
  test("counts samples, ratings, replays, cost, steps and metrics", () => {
    const summary = emptySummary();
    const events: EventDraft[] = [
      { type: "sample", index: 0, sample: { id: "a", turns: [], metadata: {} } },
      { type: "sample", index: 1, sample: { id: "b", turns: [], metadata: {} } },
      rating("a", 10, { cost: { usd: 0.25 } }),
      rating("b", null, { cached: true }),
      { type: "stage.end", stage: "source", plugin: "s", counts: { samples: 5 } },
      { type: "train.step", step: 3, epoch: 0, loss: 1.5, lr: 0.001 },
      { type: "eval", evaluator: "e", metric: "acc", value: 0.5, subset: "low" },
    ];
    for (const event of events) tallyEvent(summary, at(event));
    expect(summary).toEqual({ samples: 5, scored: 1, failed: 1, cached: 1, costUsd: 0.25, steps: 3, lastLoss: 1.5, "eval:e:low:acc": 0.5 });
  });

  test("tallyEvents() tallies as events pass and changes none", () => {
    const summary = emptySummary();
    scheduler().run(({ cold, expectObservable }) => {
      const input = cold<UalEvent>("a-b|", { a: at(rating("a", 1)), b: at(rating("b", 2)) });
      expectObservable(input.pipe(tallyEvents(summary))).toBe("a-b|", { a: at(rating("a", 1)), b: at(rating("b", 2)) });
    });
    expect(summary).toMatchObject({ scored: 2 });
  });
});

describe("notifyReporters()", () => {
  test("every reporter sees every event; one that throws is reported and the stream goes on", () => {
    const seen: string[] = [];
    const failures: string[] = [];
    scheduler().run(({ cold, expectObservable }) => {
      const input = cold<UalEvent>("ab|", { a: at(log("x")), b: at(rating("s", 1)) });
      const reporters = [
        { name: "broken", reporter: { onLog: () => { throw new Error("nope"); } } },
        { name: "ok", reporter: { onEvent: (e: UalEvent) => seen.push(e.type) } },
      ];
      expectObservable(input.pipe(notifyReporters(reporters, (m) => failures.push(m)))).toBe("ab|", { a: at(log("x")), b: at(rating("s", 1)) });
    });
    expect(seen).toEqual(["log", "uncertainty"]);
    expect(failures).toEqual(["broken failed on log: nope"]);
  });
});
