import { TestScheduler } from "rxjs/testing";
import { describe, expect, test } from "vitest";
import type { EventDraft } from "./events.ts";
import type { Mapper } from "./kinds.ts";
import { mapSmoothing } from "./map_smoothing.ts";

const sample = (id: string, index: number): EventDraft => ({ type: "sample", index, sample: { id, turns: [], metadata: {} } });
const rated = (sampleId: string, score: number | null): EventDraft => ({ type: "uncertainty", sampleId, score, source: "est" });

// Halves every score; nulls become 0 and are counted as imputed.
const halve: Mapper = {
  map: (scores) => ({
    values: scores.map((s) => (s ?? 0) / 2),
    imputed: scores.filter((s) => s === null).length,
    clipped: 0,
    details: { factor: 0.5 },
  }),
};

function scheduler() {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

describe("mapSmoothing()", () => {
  test("passes events through, then maps all scores once the stream completes, in source order", () => {
    scheduler().run(({ cold, expectObservable }) => {
      // Ratings arrive out of order (b before a); smoothing events follow the source order.
      const input = cold<EventDraft>("ab-y-x-|", { a: sample("a", 0), b: sample("b", 1), x: rated("a", 4), y: rated("b", null) });
      const out = input.pipe(mapSmoothing({ mapper: halve, name: "halve" }));
      expectObservable(out).toBe("ab-y-x-(mst|)", {
        a: sample("a", 0),
        b: sample("b", 1),
        x: rated("a", 4),
        y: rated("b", null),
        m: { type: "mapping", mapper: "halve", count: 2, mean: 1, imputed: 1, clipped: 0, details: { factor: 0.5 } },
        s: { type: "smoothing", sampleId: "a", epsilon: 2, score: 4, mapper: "halve" },
        t: { type: "smoothing", sampleId: "b", epsilon: 0, score: null, mapper: "halve" },
      } as Record<string, EventDraft>);
    });
  });

  test("does not map when the stream fails before it completes", () => {
    scheduler().run(({ cold, expectObservable }) => {
      let called = 0;
      const mapper: Mapper = { map: (s) => (called++, halve.map(s)) };
      const input = cold<EventDraft>("a#", { a: sample("a", 0) }, new Error("source broke"));
      expectObservable(input.pipe(mapSmoothing({ mapper, name: "m" }))).toBe("a#", { a: sample("a", 0) }, new Error("source broke"));
      expect(called).toBe(0);
    });
  });

  test("names the sample when the mapper rejects a score by index", () => {
    scheduler().run(({ cold, expectObservable }) => {
      const mapper: Mapper = {
        map: () => {
          throw Object.assign(new Error("score -3 at index 1: expected a finite number ≥ 0"), { index: 1 });
        },
      };
      const input = cold<EventDraft>("(ab)|", { a: sample("a", 0), b: sample("b", 1) });
      expectObservable(input.pipe(mapSmoothing({ mapper, name: "tl" }))).toBe(
        "(ab)#",
        { a: sample("a", 0), b: sample("b", 1) },
        new Error("mapper tl: sample b: score -3 at index 1: expected a finite number ≥ 0"),
      );
    });
  });
});
