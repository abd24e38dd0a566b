import { concat, filter, fromEvent, lastValueFrom, map, of, take, takeUntil, toArray } from "rxjs";
import { TestScheduler } from "rxjs/testing";
import { describe, expect, test } from "vitest";
import { isEvent, type EventDraft } from "./events.ts";
import type { Evaluator, Mapper, Source, Trainer, UncertaintyEstimator } from "./kinds.ts";
import { buildPipeline, type PipelineStages } from "./pipeline.ts";
import type { Sample } from "./sample.ts";

function scheduler() {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

const sample = (i: number): Sample => ({ id: `s${i}`, turns: [{ role: "user", content: "x".repeat(i) }], metadata: {} });

function listSource(count: number, onRead?: (i: number) => void): Source {
  return {
    async *read() {
      for (let i = 0; i < count; i++) {
        onRead?.(i);
        yield sample(i);
      }
    },
  };
}

const staged = <T>(key: string, instance: T) => ({ name: `p/${key}`, key, instance });
const step = (n: number): EventDraft => ({ type: "train.step", step: n, epoch: 0, loss: 1 / n, lr: 0.1 });
const metric = (value: number): EventDraft => ({ type: "eval", evaluator: "p/evaluators[0]", metric: "acc", value });
const start = (stage: string): EventDraft => ({ type: "stage.start", stage, plugin: `p/${stage}` });
const end = (stage: string, counts: Record<string, number> = {}): EventDraft => ({ type: "stage.end", stage, plugin: `p/${stage}`, counts });

describe("buildPipeline()", () => {
  test("trainer then evaluators, each bracketed by stage events; the trainer reads the source itself", () => {
    let handed: Record<string, string> | undefined;
    scheduler().run(({ cold, expectObservable }) => {
      const trainer: Trainer = { train: () => cold<EventDraft>("----a-b-(c|)", { a: step(1), b: step(2), c: { type: "checkpoint", step: 2, path: "/ckpt" } }) };
      const evaluator: Evaluator = {
        evaluate: ({ artifacts }) => {
          handed = artifacts;
          return cold<EventDraft>("------(m|)", { m: { type: "eval", metric: "acc", value: 0.5 } as EventDraft });
        },
      };
      const stages: PipelineStages = { source: staged("source", listSource(3)), trainer: staged("trainer", trainer), evaluators: [staged("evaluators[0]", evaluator)] };
      expectObservable(buildPipeline(stages)).toBe("(st)a-b-(ceSu)(mE|)", {
        s: start("source"),
        t: start("trainer"),
        a: step(1),
        b: step(2),
        c: { type: "checkpoint", step: 2, path: "/ckpt" },
        // Nothing read the source here (the marble trainer does not), so it counts 0 samples.
        e: end("trainer"),
        S: end("source", { samples: 0 }),
        u: start("evaluators[0]"),
        m: metric(0.5),
        E: end("evaluators[0]"),
      });
    });
    // The evaluator got the last checkpoint as `model`; its metric is named after the plugin.
    expect(handed).toEqual({ model: "/ckpt" });
  });

  test("evaluators run one after another and get the trainer's last checkpoint", async () => {
    const handed: Array<Record<string, string>> = [];
    const trainer: Trainer = { train: () => of<EventDraft[]>(step(1), { type: "checkpoint", step: 1, path: "/ckpt/1" }) };
    const evaluator = (value: number): Evaluator => ({
      evaluate: ({ artifacts }) => {
        handed.push({ ...artifacts });
        return of<EventDraft>({ type: "eval", evaluator: "", metric: "acc", value });
      },
    });
    const stages: PipelineStages = {
      source: staged("source", listSource(2)),
      trainer: staged("trainer", trainer),
      evaluators: [staged("evaluators[0]", evaluator(1)), staged("evaluators[1]", evaluator(2))],
    };
    const events = await lastValueFrom(buildPipeline(stages).pipe(toArray()));
    expect(events.filter(isEvent("eval")).map((e) => [e.evaluator, e.value])).toEqual([["p/evaluators[0]", 1], ["p/evaluators[1]", 2]]);
    expect(handed).toEqual([{ model: "/ckpt/1" }, { model: "/ckpt/1" }]);
  });

  test("unsubscribing aborts the signal the stage at work was given", () => {
    let signal: AbortSignal | undefined;
    scheduler().run(({ cold, expectObservable }) => {
      const trainer: Trainer = {
        train: (_input, options) => {
          signal = options.signal;
          return cold<EventDraft>("----a-b-c|", { a: step(1), b: step(2), c: step(3) });
        },
      };
      const out = buildPipeline({ source: staged("source", listSource(1)), trainer: staged("trainer", trainer) });
      expectObservable(out, "^----!").toBe("(st)a", { s: start("source"), t: start("trainer"), a: step(1) });
    });
    expect(signal?.aborted).toBe(true);
  });

  test("an abort lets the stage at work end (its checkpoint arrives), and no later stage starts", () => {
    const controller = new AbortController();
    let evaluated = false;
    scheduler().run(({ cold, expectObservable }) => {
      // A trainer that honours the signal: on abort it writes a checkpoint and stops.
      const trainer: Trainer = {
        train: (_input, { signal }) => {
          const steps = cold<EventDraft>("----a-b-c-d-e|", { a: step(1), b: step(2), c: step(3), d: step(4), e: step(5) });
          return concat(steps.pipe(takeUntil(fromEvent(signal, "abort"))), of<EventDraft>({ type: "checkpoint", step: 0, path: "/ckpt/stopped" }));
        },
      };
      const evaluator: Evaluator = {
        evaluate: () => {
          evaluated = true;
          return of<EventDraft>(metric(1));
        },
      };
      cold("-------x|").subscribe(() => controller.abort());
      const out = buildPipeline({ source: staged("source", listSource(1)), trainer: staged("trainer", trainer), evaluators: [staged("evaluators[0]", evaluator)] }, { signal: controller.signal });
      expectObservable(out).toBe("(st)a-b(ceS|)", {
        s: start("source"),
        t: start("trainer"),
        a: step(1),
        b: step(2),
        c: { type: "checkpoint", step: 0, path: "/ckpt/stopped" },
        e: end("trainer"),
        S: end("source", { samples: 0 }),
      });
    });
    expect(evaluated).toBe(false);
  });

  test("source → uncertainty → mapper: samples, ratings, then ε in source order", async () => {
    const estimator: UncertaintyEstimator = { estimate: async (s) => ({ score: s.turns[0]!.content.length }) };
    const mapper: Mapper = { map: (scores) => ({ values: scores.map((s) => (s ?? 0) / 10), imputed: 0, clipped: 0, details: {} }) };
    const events = await lastValueFrom(
      buildPipeline({ source: staged("source", listSource(4)), uncertainty: staged("uncertainty", estimator), mapper: staged("mapper", mapper) }).pipe(toArray()),
    );
    expect(events.filter(isEvent("sample"))).toHaveLength(4);
    expect(events.filter(isEvent("uncertainty")).map((e) => e.score).sort()).toEqual([0, 1, 2, 3]);
    expect(events.filter(isEvent("smoothing")).map((e) => [e.sampleId, e.epsilon])).toEqual([["s0", 0], ["s1", 0.1], ["s2", 0.2], ["s3", 0.3]]);
    // The mapper is a barrier: every ε comes after every rating, then the stage ends.
    const lastRating = events.findLastIndex((e) => e.type === "uncertainty");
    expect(events.findIndex((e) => e.type === "mapping")).toBeGreaterThan(lastRating);
    expect(events.at(-1)).toMatchObject({ type: "stage.end", stage: "uncertainty" });
  });

  test("aborted while rating: ratings in flight still arrive, nothing is mapped, the stream completes", async () => {
    const controller = new AbortController();
    let read = 0;
    const estimator: UncertaintyEstimator = {
      concurrency: 2,
      estimate: async (s) => {
        if (s.id === "s3") controller.abort();
        await new Promise((resolve) => setTimeout(resolve, 5));
        return { score: 1, cost: { usd: 0.01 } };
      },
    };
    const mapper: Mapper = { map: () => { throw new Error("must not map a stopped run"); } };
    const events = await lastValueFrom(
      buildPipeline({ source: staged("source", listSource(100, () => read++)), uncertainty: staged("uncertainty", estimator), mapper: staged("mapper", mapper) }, { signal: controller.signal }).pipe(toArray()),
    );
    const rated = events.filter(isEvent("uncertainty")).map((e) => e.sampleId);
    // s3's rating, paid for when the abort came, is kept; reading stopped right there.
    expect(rated).toContain("s3");
    expect(read).toBeLessThan(20);
    expect(events.some((e) => e.type === "mapping" || e.type === "smoothing")).toBe(false);
    expect(events.at(-1)).toMatchObject({ type: "stage.end", stage: "uncertainty" });
  });

  test("unsubscribing stops reading the source", async () => {
    let read = 0;
    const sampled = await lastValueFrom(buildPipeline({ source: staged("source", listSource(1000, () => read++)) }).pipe(filter(isEvent("sample")), take(3), map((e) => e.sample.id), toArray()));
    expect(sampled).toEqual(["s0", "s1", "s2"]);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(read).toBeLessThan(10);
  });

  test("unsubscribing reaches a trainer in the middle of a long step (not at its next event)", async () => {
    let finished!: () => void;
    const done = new Promise<void>((resolve) => (finished = resolve));
    const trainer: Trainer = {
      async *train(_input, { signal }) {
        try {
          yield step(1);
          // A step that would take 30 s, cut short by the signal (as a trainer checks it per micro-batch).
          await new Promise((resolve) => {
            const timer = setTimeout(resolve, 30_000);
            signal.addEventListener("abort", () => resolve(clearTimeout(timer)), { once: true });
          });
          if (signal.aborted) return;
          yield step(2);
        } finally {
          finished();
        }
      },
    };
    const subscription = buildPipeline({ source: staged("source", listSource(1)), trainer: staged("trainer", trainer) })
      .pipe(filter(isEvent("train.step")))
      .subscribe(() => setTimeout(() => subscription.unsubscribe(), 5));
    await done;
    expect(subscription.closed).toBe(true);
  }, 10_000);

});

