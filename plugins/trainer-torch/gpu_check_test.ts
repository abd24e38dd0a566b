import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { HAS_TORCH, PYTHON, tempDir } from "./_test_helpers.ts";

// gpu/: the GPU check of issue 15. Its UAL side is python/train.py on a plan this package wrote
// (gpu/prepared/, committed: the GPU machine has no Node); these tests keep that plan current and
// run the check's own script on the CPU, so that the one GPU call does not fail on a slip.
const GPU = fileURLToPath(new URL("./gpu/", import.meta.url));
const PREPARED = join(GPU, "prepared");

function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) =>
    execFile(command, args, { encoding: "utf8", env: { ...process.env, ...env }, maxBuffer: 16 * 1024 ** 2 }, (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr })),
  );
}

interface Plan { init: string; schedule: number[][]; epsilon: number[]; totalSteps: number; device: string; precision: string; lora: { r: number; alpha: number; dropout: number; targets: string[] }; examples: { offsets: number[] } }
const readPlan = (dir: string): Plan => JSON.parse(readFileSync(join(dir, "plan.json"), "utf8")) as Plan;

describe.skipIf(!HAS_TORCH)(`the GPU check (gpu/)${HAS_TORCH ? "" : " (skipped: /usr/bin/python3 has no torch)"}`, () => {
  it("gpu/prepared is what prepare.mjs makes from check.yaml now: trainer-torch's plan for a Llama-2-7B LoRA at 1024 tokens with ε per sample", async () => {
    const out = tempDir("ual-gpu-prepared-");
    const made = await run(process.execPath, [join(GPU, "prepare.mjs"), out]);
    expect(made.code, made.stderr).toBe(0);
    const [now, committed] = [readPlan(out), readPlan(PREPARED)];
    // `init` is relative to the plan's folder: the same folder from both places
    expect(resolve(out, now.init)).toBe(join(GPU, "llama-7b"));
    expect(resolve(PREPARED, committed.init)).toBe(join(GPU, "llama-7b"));
    expect({ ...committed, init: "" }, "run `node plugins/trainer-torch/gpu/prepare.mjs` and commit gpu/prepared").toEqual({ ...now, init: "" });
    for (const file of ["ids.bin", "labels.bin", "samples.jsonl"]) expect(readFileSync(join(PREPARED, file)).equals(readFileSync(join(out, file))), file).toBe(true);
    expect([committed.device, committed.precision, committed.totalSteps, committed.lora]).toEqual(["cuda", "bf16", 20, { r: 8, alpha: 16, dropout: 0.1, targets: ["q_proj", "v_proj"] }]);
    expect(committed.examples.offsets.every((o, i) => o === 1024 * i)).toBe(true); // every sample 1024 tokens
    expect(new Set(committed.epsilon).size).toBeGreaterThan(10); // ε per sample, not one value
  });

  it("its UAL phase runs train.py on the prepared plan (here on the CPU, a small Llama, 6 steps): each sample's own ε, and the table shows them; a failing train.py is reported, not timed", async () => {
    const work = tempDir("ual-gpu-check-");
    const model = join(work, "llama");
    const made = await run(PYTHON, ["-c", `import sys; sys.path.insert(0, ${JSON.stringify(join(GPU, "..", "python"))})
from _testing import write_random_model, llama_config
write_random_model(sys.argv[1], llama_config(vocab_size=300, max_position_embeddings=1024, num_hidden_layers=2))`, model]);
    expect(made.code, made.stderr).toBe(0);
    const cpu = { UAL_CHECK_DEVICE: "cpu", UAL_CHECK_STEPS: "6" }; // 6 of the plan's 20 steps: the script's path, not its speed
    const ual = await run(PYTHON, [join(GPU, "check_gpu.py"), "ual", model, join(work, "ual.json")], cpu);
    expect(ual.code, ual.stderr).toBe(0);
    const result = JSON.parse(readFileSync(join(work, "ual.json"), "utf8")) as { error?: string; steps: number; losses: number[]; epsilon: number[]; precision: string; tokensPerSecond: number; trainable: number };
    expect(result.error).toBeUndefined();
    expect(result.steps).toBe(6);
    expect(result.precision).toBe("bf16");
    expect(result.trainable).toBe(2 * 8 * (32 + 32 + 32 + 16)); // r 8 on q (32 → 32) and v (32 → 16: 2 KV heads of 8) in 2 layers
    expect(result.losses.every(Number.isFinite)).toBe(true);
    const plan = readPlan(PREPARED);
    result.epsilon.forEach((eps, i) => expect(eps).toBeCloseTo(plan.epsilon[plan.schedule[i]![0]!]!, 6));
    expect(result.tokensPerSecond).toBeGreaterThan(0);

    const table = await run(PYTHON, [join(GPU, "check_gpu.py"), "table", work], cpu);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^cpu; torch .*20 steps of 1 × 1024 tokens, micro-batch 1, LoRA r 8 \/ alpha 16 on q_proj, v_proj, dropout 0\.1, bf16/);
    expect(table.stdout).toMatch(/\| UAL: @ual\/trainer-torch's train\.py \(per-sample ε, chunked loss\) \| \d+ \| \d+\.\d\d \(the process's peak RSS\) \| \d\.\d{3} → \d\.\d{3} \|/);

    // the transformers side: a machine without transformers/peft (this one) gets an error row naming the module, not a missing row
    const hf = await run(PYTHON, [join(GPU, "check_gpu.py"), "hf", model, join(work, "hf.json")], cpu);
    expect(hf.code, hf.stderr).toBe(0);
    const hfResult = JSON.parse(readFileSync(join(work, "hf.json"), "utf8")) as { error?: string; steps?: number };
    if (hfResult.error !== undefined) expect(hfResult.error).toMatch(/^ModuleNotFoundError: No module named '(peft|transformers)'/);
    else expect(hfResult.steps).toBe(6);
    expect((await run(PYTHON, [join(GPU, "check_gpu.py"), "table", work], cpu)).stdout).toMatch(/\| transformers \+ PEFT \(plain cross-entropy\) \| (error: |\d+ )/);

    // llama-7b/ has a config and no weights: train.py fails, and the phase says so instead of a number
    const failed = await run(PYTHON, [join(GPU, "check_gpu.py"), "ual", join(GPU, "llama-7b"), join(work, "ual.json")], cpu);
    expect(failed.code).toBe(0);
    expect(JSON.parse(readFileSync(join(work, "ual.json"), "utf8"))).toMatchObject({ error: expect.stringMatching(/^train\.py exited with 1 after 0 of 6 steps: [\s\S]*model\.safetensors/) });
    expect((await run(PYTHON, [join(GPU, "check_gpu.py"), "table", work], cpu)).stdout).toMatch(/\| UAL: .* \| error: /);
  }, 120_000);
});
