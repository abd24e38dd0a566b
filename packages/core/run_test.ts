import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { filter, lastValueFrom, take, takeWhile, toArray } from "rxjs";
import { beforeEach, describe, expect, expectTypeOf, test } from "vitest";
import { z } from "zod";
import { defineManifest } from "./define_manifest.ts";
import { ManifestError } from "./errors.ts";
import { isEvent, type TrainStepEvent, type UalEvent } from "./events.ts";
import { definePlugin } from "./plugin.ts";
import { readRunRecord } from "./run_dir.ts";
import { run } from "./run.ts";

const fixtures = join(dirname(fileURLToPath(import.meta.url)), "fixtures", "plugins.mjs");

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "ual-run-obs-"));
});

const lines = (path: string) => readFileSync(path, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);

// A plugin defined in the script itself, passed to `use:` as a value.
let asked = 0;
const lengthEstimator = definePlugin({
  name: "inline/length",
  version: "1.0.0",
  kind: "uncertainty",
  apiVersion: 1,
  options: z.strictObject({ delayMs: z.number().min(0).default(0), leak: z.string().optional() }),
  create: ({ delayMs, leak }, ctx) => ({
    concurrency: 2,
    async estimate(sample) {
      asked++;
      if (leak) ctx.logger.warn(`using ${leak}`);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      return { score: (sample.turns[0]?.content.length ?? 0) * 10, cost: { usd: 0.001 } };
    },
  }),
});

const manifest = (count: number, delayMs = 0, leak?: string) =>
  defineManifest({
    apiVersion: "ual/v1",
    name: "obs",
    stages: {
      source: { use: `${fixtures}#list-source`, with: { count } },
      uncertainty: { use: lengthEstimator, with: { delayMs, ...(leak ? { leak } : {}) } },
      mapper: { use: `${fixtures}#scale`, with: { factor: 0.01 } },
    },
  });

describe("run()", () => {
  test("emits the run's typed events, stamped and logged, from run.start to run.end, then completes", async () => {
    const events = await lastValueFrom(run(manifest(6), { runsDir: join(dir, "runs"), cacheDir: join(dir, ".ual") }).pipe(toArray()));
    expect(events[0]).toMatchObject({ type: "run.start", resumed: false });
    const end = events.at(-1);
    expect(end).toMatchObject({ type: "run.end", status: "completed", summary: { samples: 6, scored: 6 } });
    const runDir = (events[0] as UalEvent & { type: "run.start" }).runDir;
    expect(lines(join(runDir, "events.jsonl")).map((e) => e.type)).toEqual(events.map((e) => e.type));
    expect(new Set(events.map((e) => e.runId)).size).toBe(1);
    expect(events.every((e) => !Number.isNaN(Date.parse(e.time)))).toBe(true);
    // The inline plugin is recorded by name and version.
    const written = JSON.parse(readFileSync(join(runDir, "manifest.json"), "utf8")) as { stages: { uncertainty: { use: string } } };
    expect(written.stages.uncertainty.use).toBe("inline/length@1.0.0");
    expect(lines(join(runDir, "smoothing.jsonl")).map((r) => r.smoothing)).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5].map((v) => expect.closeTo(v, 12)));
  });

  test("is cold: nothing runs until subscribed", async () => {
    asked = 0;
    const events$ = run(manifest(3), { runsDir: join(dir, "runs") });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(asked).toBe(0);
    await lastValueFrom(events$);
    expect(asked).toBe(3);
  });

  test("unsubscribing stops the run, which is recorded as interrupted with its paid ratings; a rerun resumes it", async () => {
    asked = 0;
    const options = { runsDir: join(dir, "runs"), cacheDir: join(dir, ".ual") };
    const first = await lastValueFrom(run(manifest(40, 3), options).pipe(takeWhile((e) => !(e.type === "uncertainty" && e.sampleId === "s5"), true), toArray()));
    const runDir = (first[0] as UalEvent & { type: "run.start" }).runDir;
    // The same process resumes it: run() waits for the first run's end to be written.
    const second = await lastValueFrom(run(manifest(40, 3), options).pipe(toArray()));
    expect(second[0]).toMatchObject({ type: "run.start", resumed: true, runDir });
    const log = lines(join(runDir, "events.jsonl"));
    const firstEnd = log.findIndex((e) => e.type === "run.end");
    expect(log[firstEnd]).toMatchObject({ status: "interrupted" });
    // The ratings in flight when it stopped were finished and logged; no new one was started.
    const ratedFirst = log.slice(0, firstEnd).filter((e) => e.type === "uncertainty").length;
    expect(ratedFirst).toBeGreaterThanOrEqual(6);
    expect(ratedFirst).toBeLessThanOrEqual(6 + 2);
    // Each was paid for once: the rerun replays them and asks only for the rest.
    expect(second.filter((e) => e.type === "uncertainty" && e.cached)).toHaveLength(ratedFirst);
    expect(asked).toBe(40);
    expect(second.at(-1)).toMatchObject({ type: "run.end", status: "completed" });
    expect((await readRunRecord(runDir))?.attempts).toBe(2);
  });

  test("an AbortSignal stops it the same way, and the stream still ends with run.end", async () => {
    const controller = new AbortController();
    const events = await lastValueFrom(
      run(manifest(40, 2), { runsDir: join(dir, "runs"), signal: controller.signal }).pipe(
        filter((e) => {
          if (e.type === "uncertainty" && e.sampleId === "s3") controller.abort();
          return true;
        }),
        toArray(),
      ),
    );
    expect(events.at(-1)).toMatchObject({ type: "run.end", status: "interrupted" });
    expect(events.some((e) => e.type === "smoothing")).toBe(false);
  });

  test("secrets a plugin logs are redacted in the events a subscriber sees", async () => {
    const secret = "sk-test-0123456789";
    const events = await lastValueFrom(run(manifest(2, 0, secret), { runsDir: join(dir, "runs"), env: {} }).pipe(filter(isEvent("log")), take(1)));
    // Only declared secrets are known to the redactor: this plugin declared none, so it is the fixture's job.
    expect(events.message).toBe(`using ${secret}`);
    const withSecret = definePlugin({ ...lengthEstimator, name: "inline/secretive", secrets: { key: { env: "INLINE_KEY" } }, create: (_o, ctx) => ({ estimate: async () => { ctx.logger.warn(`key ${ctx.secrets.key}`); return { score: 1 }; } }) });
    const logged = await lastValueFrom(
      run({ apiVersion: "ual/v1", stages: { source: { use: `${fixtures}#list-source`, with: { count: 1 } }, uncertainty: { use: withSecret } } }, { runsDir: join(dir, "runs"), env: { INLINE_KEY: secret } }).pipe(filter(isEvent("log")), take(1)),
    );
    expect(logged.message).toBe("key [redacted]");
  });

  test("an invalid manifest errors the stream with every problem, before anything runs", async () => {
    const bad = { apiVersion: "ual/v1" as const, stages: { source: { use: `${fixtures}#list-source`, with: { count: -1 } }, uncertainty: { use: lengthEstimator, with: { delayMs: "x" } } } };
    const error = await lastValueFrom(run(bad, { runsDir: join(dir, "runs") })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ManifestError);
    expect((error as ManifestError).message).toContain("stages.source.with.count");
    expect((error as ManifestError).message).toContain("stages.uncertainty.with.delayMs");
  });

  test("isEvent narrows a run's events", () => {
    const steps$ = run(manifest(1)).pipe(filter(isEvent("train.step")));
    expectTypeOf(steps$.subscribe).parameter(0).toMatchTypeOf<((value: TrainStepEvent) => void) | Partial<{ next: (value: TrainStepEvent) => void }> | null | undefined>();
  });
});
