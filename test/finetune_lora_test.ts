import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { tempDir, ual } from "./_cli.ts";
import { exampleManifest, readEvents, trainSteps } from "./_train_runs.ts";

const tinyLlama = fileURLToPath(new URL("../examples/models/tiny-llama", import.meta.url));

describe("ual run examples/finetune-lora.yaml", () => {
  test("fine-tunes the local Llama checkpoint with LoRA and mapper ε, writing PEFT adapters", () => {
    const dir = tempDir();
    const manifest = exampleManifest("finetune-lora.yaml", dir, { init: tinyLlama, maxSteps: 4, checkpointEvery: 2 });
    const { code, stdout, stderr } = ual(["run", manifest, "--runs-dir", join(dir, "runs"), "--json"], { cwd: dir });
    expect(code, stderr).toBe(0);
    const result = JSON.parse(stdout) as { status: string; runDir: string };
    expect(result.status).toBe("completed");
    const steps = trainSteps(result.runDir);
    expect(steps.map((s) => s.step)).toEqual([1, 2, 3, 4]);
    expect(Math.max(...steps.map((s) => s.epsilon.max))).toBeGreaterThan(0);
    const checkpoints = readEvents(result.runDir).filter((e) => e.type === "checkpoint").map((e) => e.path as string);
    expect(checkpoints.map((p) => p.slice(-11))).toEqual(["step-000002", "step-000004"]);
    for (const file of ["adapter_model.safetensors", "adapter_config.json", "optimizer.safetensors", "trainer_state.json", "config.json"]) {
      expect(existsSync(join(checkpoints[1]!, file)), file).toBe(true);
    }
    expect(JSON.parse(readFileSync(join(checkpoints[1]!, "adapter_config.json"), "utf8"))).toMatchObject({ peft_type: "LORA", r: 8, lora_alpha: 16 });
  });
});
