import { TestScheduler } from "rxjs/testing";
import { describe, expect, test } from "vitest";
import type { EventDraft, SampleEvent } from "./events.ts";
import type { UncertaintyResult } from "./kinds.ts";
import type { Sample } from "./sample.ts";
import { scoreSamples } from "./score_samples.ts";

const sample = (id: string, index: number): EventDraft<SampleEvent> => ({
  type: "sample",
  index,
  sample: { id, turns: [{ role: "user", content: id }], metadata: {}, location: { file: "d.jsonl", line: index + 1 } },
});
const rated = (sampleId: string, score: number | null, extra: object = {}): EventDraft => ({ type: "uncertainty", sampleId, score, source: "est", ...extra });

function scheduler() {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

describe("scoreSamples()", () => {
  test("emits each sample, then its rating, keeping at most `concurrency` in flight", () => {
    scheduler().run(({ cold, expectObservable }) => {
      const input = cold<EventDraft>("(abc)|", { a: sample("a", 0), b: sample("b", 1), c: sample("c", 2) });
      // Each rating takes 5 frames; with concurrency 2, "c" is read only when "a" is done.
      const estimate = (s: Sample) => cold<UncertaintyResult>("-----(r|)", { r: { score: s.id.charCodeAt(0) } });
      const out = input.pipe(scoreSamples({ estimate, concurrency: 2, source: "est" }));
      expectObservable(out).toBe("(ab)-(xcy)(z|)", {
        a: sample("a", 0),
        b: sample("b", 1),
        c: sample("c", 2),
        x: rated("a", 97),
        y: rated("b", 98),
        z: rated("c", 99),
      } as Record<string, EventDraft>);
    });
  });

  test("passes other events through untouched", () => {
    scheduler().run(({ cold, expectObservable }) => {
      const log: EventDraft = { type: "log", level: "info", message: "hi" };
      const input = cold<EventDraft>("l-a|", { l: log, a: sample("a", 0) });
      const out = input.pipe(scoreSamples({ estimate: () => cold("-(r|)", { r: { score: 5 } }), concurrency: 1, source: "est" }));
      expectObservable(out).toBe("l-a(r|)", { l: log, a: sample("a", 0), r: rated("a", 5) });
    });
  });

  test("turns a non-finite score into null with the reason, and keeps reasons for nulls", () => {
    scheduler().run(({ cold, expectObservable }) => {
      const input = cold<EventDraft>("(ab)|", { a: sample("a", 0), b: sample("b", 1) });
      const results: Record<string, UncertaintyResult> = { a: { score: Number.NaN }, b: { score: null, reason: "refused" } };
      const out = input.pipe(scoreSamples({ estimate: (s) => cold("-----(r|)", { r: results[s.id] as UncertaintyResult }), concurrency: 2, source: "est" }));
      expectObservable(out).toBe("(ab)-(xy|)", {
        a: sample("a", 0),
        b: sample("b", 1),
        x: rated("a", null, { reason: "the estimator returned NaN, not a finite number" }),
        y: rated("b", null, { reason: "refused" }),
      } as Record<string, EventDraft>);
    });
  });

  test("replays ratings an earlier attempt made instead of asking again", () => {
    const asked: string[] = [];
    scheduler().run(({ cold, expectObservable }) => {
      const input = cold<EventDraft>("(ab)|", { a: sample("a", 0), b: sample("b", 1) });
      const known = new Map([["a", { type: "uncertainty", sampleId: "a", score: 7, source: "est" } as const]]);
      const out = input.pipe(
        scoreSamples({
          estimate: (s) => {
            asked.push(s.id);
            return cold("-----(r|)", { r: { score: 1 } });
          },
          concurrency: 2,
          source: "est",
          known,
        }),
      );
      expectObservable(out).toBe("(axb)(y|)", { a: sample("a", 0), b: sample("b", 1), x: rated("a", 7, { cached: true }), y: rated("b", 1) } as Record<string, EventDraft>);
    });
    expect(asked).toEqual(["b"]);
  });

  test("fails the stream with the sample's id and location when the estimator throws", () => {
    scheduler().run(({ cold, expectObservable }) => {
      const input = cold<EventDraft>("a|", { a: sample("a", 4) });
      const out = input.pipe(scoreSamples({ estimate: () => cold("-#", {}, new Error("HTTP 500")), concurrency: 1, source: "est" }));
      expectObservable(out).toBe("a#", { a: sample("a", 4) }, new Error("sample a (d.jsonl:5): HTTP 500"));
    });
  });

  test("calls onSettled once per sample, whether rated or replayed", async () => {
    let settled = 0;
    const { from, lastValueFrom, toArray } = await import("rxjs");
    const out = await lastValueFrom(
      from([sample("a", 0), sample("b", 1), sample("c", 2)]).pipe(
        scoreSamples({ estimate: async () => ({ score: 1 }), concurrency: 2, source: "est", known: new Map([["b", { type: "uncertainty", sampleId: "b", score: 2, source: "est" } as const]]), onSettled: () => settled++ }),
        toArray(),
      ),
    );
    expect(out.filter((e) => e.type === "uncertainty")).toHaveLength(3);
    expect(settled).toBe(3);
  });
});
