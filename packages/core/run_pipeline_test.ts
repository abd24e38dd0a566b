import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeEach, describe, expect, test } from "vitest";
import type { UalEvent } from "./events.ts";
import { resolveManifest } from "./resolve_manifest.ts";
import { readRunRecord, writeRunRecord } from "./run_dir.ts";
import { runPipeline } from "./run_pipeline.ts";

const plugins = join(dirname(fileURLToPath(import.meta.url)), "fixtures", "plugins.mjs");
const calls = () => (globalThis as unknown as { __ualFixtureCalls: { estimate: number; inFlight: number; maxInFlight: number } }).__ualFixtureCalls;

function manifest(extra: { count?: number; uncertainty?: string } = {}): string {
  return [
    "apiVersion: ual/v1",
    "name: t",
    "stages:",
    `  source: { use: "${plugins}#list-source", with: { count: ${extra.count ?? 20} } }`,
    `  uncertainty: ${extra.uncertainty ?? `{ use: "${plugins}#slow-length" }`}`,
    `  mapper: { use: "${plugins}#scale", with: { factor: 0.1 } }`,
  ].join("\n");
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "ual-run-"));
  const c = calls();
  if (c) Object.assign(c, { estimate: 0, inFlight: 0, maxInFlight: 0 });
});

async function run(text: string, options: Parameters<typeof runPipeline>[1] = {}) {
  const resolved = await resolveManifest(text, { baseDir: dir, file: "m.yaml" });
  const events: UalEvent[] = [];
  const result = await runPipeline(resolved, { runsDir: join(dir, "runs"), cacheDir: join(dir, ".ual"), ...options, reporters: [{ onEvent: (e) => events.push(e) }, ...(options.reporters ?? [])] });
  return { result, events };
}

const lines = (path: string) => readFileSync(path, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);

describe("runPipeline()", () => {
  test("runs source → uncertainty → mapper and writes the run directory", async () => {
    const { result, events } = await run(manifest());
    expect(result.status).toBe("completed");
    expect(readdirSync(result.runDir).sort()).toEqual(["events.jsonl", "manifest.json", "run.json", "smoothing.jsonl"]);
    const smoothing = lines(join(result.runDir, "smoothing.jsonl"));
    // Sample i has a user turn of i % 7 characters; the fixture mapper multiplies by 0.1.
    expect(smoothing.map((r) => r.id)).toEqual(Array.from({ length: 20 }, (_, i) => `s${i}`));
    expect(smoothing.map((r) => r.smoothing)).toEqual(Array.from({ length: 20 }, (_, i) => (i % 7) * 0.1));
    const log = lines(join(result.runDir, "events.jsonl"));
    expect(log[0]).toMatchObject({ type: "run.start", info: { attempts: 1, source: { generated: 20 } } });
    expect(log.at(-1)).toMatchObject({ type: "run.end", status: "completed", summary: { samples: 20, scored: 20, failed: 0 } });
    expect(log.filter((e) => e.type === "sample")[0]).toEqual(expect.objectContaining({ sampleId: "s0", turns: 2 }));
    expect(log.every((e) => e.runId === result.runId && typeof e.time === "string")).toBe(true);
    expect(events.map((e) => e.type)).toEqual(log.map((e) => e.type));
    // The estimator declares concurrency 3; it is never exceeded.
    expect(calls().maxInFlight).toBeLessThanOrEqual(3);
    expect(calls().maxInFlight).toBeGreaterThan(1);
    const record = await readRunRecord(result.runDir);
    expect(record).toMatchObject({ status: "completed", attempts: 1 });
    const written = JSON.parse(readFileSync(join(result.runDir, "manifest.json"), "utf8")) as { stages: { mapper: { with: unknown } } };
    expect(written.stages.mapper.with).toEqual({ factor: 0.1 });
  });

  test("an interrupted run is resumed by a rerun, without asking again for ratings it had", async () => {
    const controller = new AbortController();
    let rated = 0;
    const first = await run(manifest({ uncertainty: `{ use: "${plugins}#slow-length", with: { delayMs: 5 } }` }), {
      signal: controller.signal,
      reporters: [{ onUncertainty: () => ++rated === 8 && controller.abort() }],
    });
    expect(first.result.status).toBe("interrupted");
    expect(first.result.outputs.smoothing).toBeUndefined();
    expect((await readRunRecord(first.result.runDir))?.status).toBe("interrupted");
    const askedFirst = calls().estimate;

    const second = await run(manifest({ uncertainty: `{ use: "${plugins}#slow-length", with: { delayMs: 5 } }` }));
    expect(second.result.runId).toBe(first.result.runId);
    expect(second.result.resumed).toBe(true);
    expect(second.result.status).toBe("completed");
    const replayed = second.events.filter((e) => e.type === "uncertainty" && e.cached).length;
    expect(replayed).toBeGreaterThanOrEqual(8);
    expect(calls().estimate - askedFirst).toBe(20 - replayed);
    expect(lines(join(second.result.runDir, "smoothing.jsonl"))).toHaveLength(20);
    expect((await readRunRecord(second.result.runDir))?.attempts).toBe(2);
  });

  test("a run left 'running' by a killed process is resumed; a completed one is not", async () => {
    const first = await run(manifest({ count: 5 }));
    const fresh = await run(manifest({ count: 5 }));
    expect(fresh.result.runId).not.toBe(first.result.runId);
    // Pretend the second one was killed mid-way: its record says running, by a dead process.
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]).stdout.toString();
    const record = await readRunRecord(fresh.result.runDir);
    await writeRunRecord(fresh.result.runDir, { ...record!, status: "running", pid: Number(dead), updatedAt: new Date().toISOString() });
    const resumed = await run(manifest({ count: 5 }));
    expect(resumed.result.runId).toBe(fresh.result.runId);
    const never = await run(manifest({ count: 5 }), { resume: "never" });
    expect(never.result.resumed).toBe(false);
  });

  test("a failing estimator fails the run with the sample named, and the record says so", async () => {
    const { result, events } = await run(manifest({ uncertainty: `{ use: "${plugins}#slow-length", with: { failOn: "s7" } }` }));
    expect(result.status).toBe("failed");
    expect(result.error?.message).toBe("sample s7: boom");
    expect(events.find((e) => e.type === "error")).toMatchObject({ fatal: true, message: "sample s7: boom" });
    expect(events.at(-1)).toMatchObject({ type: "run.end", status: "failed" });
    expect((await readRunRecord(result.runDir))?.error).toBe("sample s7: boom");
  });

  test("secrets reach only the plugin that declared them, and never a file the run writes", async () => {
    const token = "tok-0123456789-secret";
    const { result, events } = await run(manifest({ count: 3, uncertainty: `{ use: "${plugins}#slow-length", with: { leakSecret: true } }` }), { env: { UAL_FIXTURE_TOKEN: token } });
    expect(result.status).toBe("completed");
    const warnings = events.filter((e) => e.type === "log" && e.level === "warn");
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toMatchObject({ message: "calling with token [redacted]", plugin: "fixture/slow-length" });
    for (const file of readdirSync(result.runDir)) {
      expect(readFileSync(join(result.runDir, file), "utf8")).not.toContain(token);
    }
  });

  test("a reporter that throws is logged and does not break the run", async () => {
    const { result } = await run(manifest({ count: 2 }), { reporters: [{ onSmoothing: () => { throw new Error("bad reporter"); } }] });
    expect(result.status).toBe("completed");
    const log = readFileSync(join(result.runDir, "events.jsonl"), "utf8");
    expect(log).toContain("failed on smoothing: bad reporter");
  });

  test("with no uncertainty stage the source is read and counted", async () => {
    writeFileSync(join(dir, "x"), "");
    const text = `apiVersion: ual/v1\nstages:\n  source: { use: "${plugins}#list-source", with: { count: 4 } }\n`;
    const { result, events } = await run(text);
    expect(result.status).toBe("completed");
    expect(events.filter((e) => e.type === "sample")).toHaveLength(4);
    expect(events.find((e) => e.type === "stage.end")).toMatchObject({ stage: "source", counts: { samples: 4 } });
  });

  test("an online estimator with a mapper, or without a trainer, fails with a clear message", async () => {
    const withMapper = await run(manifest({ uncertainty: `{ use: "${plugins}#online" }` }));
    expect(withMapper.result.status).toBe("failed");
    expect(withMapper.result.error?.message).toBe("stages.mapper: fixture/online is an online estimator — ε comes from it during training — so remove the mapper");
    const text = `apiVersion: ual/v1\nstages:\n  source: { use: "${plugins}#list-source", with: { count: 2 } }\n  uncertainty: { use: "${plugins}#online" }\n`;
    const noTrainer = await run(text);
    expect(noTrainer.result.error?.message).toContain("add stages.trainer");
  });
});
