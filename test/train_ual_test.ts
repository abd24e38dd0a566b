import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { tempDir, ual } from "./_cli.ts";
import { E2E_MODEL, exampleManifest, readEvents, trainSteps } from "./_train_runs.ts";

describe("ual run examples/train-ual.yaml", () => {
  test("rates, maps and fine-tunes on wasm: the loss falls, ε comes from the mapper, checkpoints are written", () => {
    const dir = tempDir();
    const manifest = exampleManifest("train-ual.yaml", dir, { model: E2E_MODEL, epochs: 1, maxSteps: 12, lr: 0.003, checkpointEvery: 6 });
    const { code, stdout, stderr } = ual(["run", manifest, "--runs-dir", join(dir, "runs"), "--json"], { cwd: dir });
    expect(code, stderr).toBe(0);
    const result = JSON.parse(stdout) as { status: string; runDir: string };
    expect(result.status).toBe("completed");
    const events = readEvents(result.runDir);
    const start = events.find((e) => e.type === "run.start") as { info: { trainer: { backend: string; parameters: number } } };
    expect(start.info.trainer.backend).toBe("wasm");
    expect(events.some((e) => e.type === "log" && String(e.message).startsWith("backend: tfjs-backend-wasm"))).toBe(true);
    const steps = trainSteps(result.runDir);
    expect(steps.map((s) => s.step)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    const early = (steps[0]!.loss + steps[1]!.loss) / 2;
    const late = (steps[10]!.loss + steps[11]!.loss) / 2;
    expect(late).toBeLessThan(early - 0.5);
    // ε from the mapper: α = 0.1 on average over the data, per-sample values differ
    const eps = steps.map((s) => s.epsilon);
    expect(Math.min(...eps.map((e) => e.min))).toBeLessThan(Math.max(...eps.map((e) => e.max)));
    const checkpoints = events.filter((e) => e.type === "checkpoint").map((e) => e.path as string);
    expect(checkpoints.map((p) => p.slice(-11))).toEqual(["step-000006", "step-000012"]);
    for (const file of ["model.safetensors", "optimizer.safetensors", "trainer_state.json", "config.json"]) {
      expect(existsSync(join(checkpoints[1]!, file)), file).toBe(true);
    }
  });
});
