import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { ROOT, tempDir, ual } from "./_cli.ts";
import { E2E_MODEL, exampleManifest, readEvents, trainSteps } from "./_train_runs.ts";

describe("ual run examples/train-ppl.yaml", () => {
  test("trains with online PPL-ratio ε and no mapper; the estimator's state is checkpointed", () => {
    const dir = tempDir();
    const manifest = exampleManifest("train-ppl.yaml", dir, { model: E2E_MODEL, epochs: 1, maxSteps: 8, lr: 0.003, checkpointEvery: 8 });
    const { code, stdout, stderr } = ual(["run", manifest, "--runs-dir", join(dir, "runs"), "--json"], { cwd: dir });
    expect(code, stderr).toBe(0);
    const result = JSON.parse(stdout) as { status: string; runDir: string; summary: { samples: number } };
    expect(result.status).toBe("completed");
    // no rating pass: the trainer's own read of the 91 samples is what the run reports
    const dataLines = readFileSync(join(ROOT, "examples/data/mixed.jsonl"), "utf8").split("\n").filter((l) => l.trim() !== "").length;
    expect(result.summary.samples).toBe(dataLines);
    const events = readEvents(result.runDir);
    expect(events.some((e) => e.type === "smoothing")).toBe(false);
    expect(events.some((e) => e.type === "log" && String(e.message).includes("ε from the online estimator (next-token NLL)"))).toBe(true);
    const steps = trainSteps(result.runDir);
    expect(steps).toHaveLength(8);
    // the very first sample gets exactly α (spec §4.2); later ones move with their NLL ratio
    expect(steps.every((s) => s.epsilon.min >= 0 && s.epsilon.max <= 0.99)).toBe(true);
    expect(steps.some((s) => s.epsilon.max > s.epsilon.min)).toBe(true);
    expect(Math.abs(steps.reduce((a, s) => a + s.epsilon.mean, 0) / steps.length - 0.1)).toBeLessThan(0.05);
    const state = JSON.parse(readFileSync(join(result.runDir, "checkpoints", "step-000008", "trainer_state.json"), "utf8")) as {
      estimator: { total: number; count: number };
    };
    // 8 batches of 8, one of which may be an epoch's short last batch (91 = 11·8 + 3)
    expect(state.estimator.count === 64 || state.estimator.count === 59).toBe(true);
    expect(state.estimator.total / state.estimator.count).toBeGreaterThan(1);
  });
});
