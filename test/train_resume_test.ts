import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { startUal, tempDir, ual } from "./_cli.ts";
import { E2E_MODEL, exampleManifest, readEvents, trainSteps } from "./_train_runs.ts";

const TRAINER = { model: E2E_MODEL, epochs: 1, maxSteps: 14, checkpointEvery: 4, lr: 0.002 };

function runDirOf(stdout: string): string {
  return (JSON.parse(stdout) as { runDir: string }).runDir;
}

describe("kill -9 and resume", () => {
  test("a training run killed after a checkpoint and run again gives the uninterrupted run's loss curve, step for step", async () => {
    const dir = tempDir();
    const manifest = exampleManifest("train-ual.yaml", dir, TRAINER);

    const whole = ual(["run", manifest, "--runs-dir", join(dir, "whole"), "--json"], { cwd: dir });
    expect(whole.code, whole.stderr).toBe(0);
    const reference = trainSteps(runDirOf(whole.stdout));
    expect(reference).toHaveLength(14);

    const runs = join(dir, "killed");
    const child = startUal(["run", manifest, "--runs-dir", runs], { cwd: dir });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
    // SIGKILL (no chance to clean up) once the step-8 checkpoint is complete
    const killedAt = await new Promise<string>((resolve, reject) => {
      const timer = setInterval(() => {
        if (!existsSync(runs)) return;
        for (const run of readdirSync(runs)) {
          if (existsSync(join(runs, run, "checkpoints", "step-000008", "trainer_state.json"))) {
            clearInterval(timer);
            child.kill("SIGKILL");
            resolve(join(runs, run));
          }
        }
      }, 10);
      child.on("exit", () => {
        clearInterval(timer);
        reject(new Error("the run ended before it could be killed"));
      });
    });
    expect(await exited).toBe("SIGKILL");
    const before = trainSteps(killedAt);
    expect(before.length).toBeGreaterThanOrEqual(8);
    expect(before.length).toBeLessThan(14);

    const again = ual(["run", manifest, "--runs-dir", runs, "--json"], { cwd: dir });
    expect(again.code, again.stderr).toBe(0);
    expect(runDirOf(again.stdout)).toBe(killedAt);
    const events = readEvents(killedAt);
    expect(events.filter((e) => e.type === "run.start").map((e) => e.resumed)).toEqual([false, true]);
    expect(events.some((e) => e.type === "log" && String(e.message).includes("resuming from") && String(e.message).includes("step-0000"))).toBe(true);

    const resumed = trainSteps(killedAt);
    expect(resumed.map((s) => s.step)).toEqual(reference.map((s) => s.step));
    // exact: the same ops on the same backend from a bit-exact checkpoint (weights, AdamW moments, sampling cursor)
    expect(resumed.map((s) => s.loss)).toEqual(reference.map((s) => s.loss));
    expect(resumed.map((s) => s.lr)).toEqual(reference.map((s) => s.lr));
    expect(resumed.map((s) => s.epsilon)).toEqual(reference.map((s) => s.epsilon));
  });
});
