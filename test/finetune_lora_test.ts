import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promptAndAnswer, readEvalSamples } from "@ual/eval-data";
import { type CausalLmLike, chatPrompt, generate, loadHfModel, loadTrainedModel, scoreContinuations } from "@ual/models";
import { selectBackend } from "@ual/nn";
import { describe, expect, test } from "vitest";
import { tempDir, ual } from "./_cli.ts";
import { exampleManifest, readEvents, trainSteps } from "./_train_runs.ts";

const tinyLlama = fileURLToPath(new URL("../examples/models/tiny-llama", import.meta.url));

/** An `eval` event as events.jsonl stores it. */
interface EvalRecord {
  evaluator: string;
  metric: string;
  value: number;
  subset?: string;
  details: { examples?: Array<{ prompt: string; answer: string; output: string }> };
}

describe("ual run examples/finetune-lora.yaml", () => {
  test("fine-tunes the local Llama checkpoint with LoRA and mapper ε, writing PEFT adapters, then evaluates and generates with them", async () => {
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

    // The evaluators ran on the last checkpoint — the adapters, merged into the base they name —
    // and the exact-match one wrote what that model generates.
    const evals = readEvents(result.runDir).filter((e) => e.type === "eval") as unknown as EvalRecord[];
    expect([...new Set(evals.map((e) => e.evaluator))]).toEqual(["@ual/eval-nll", "@ual/eval-exact-match"]);
    const examples = evals.filter((e) => e.evaluator === "@ual/eval-exact-match").flatMap((e) => e.details.examples ?? []);
    expect(examples.length).toBeGreaterThan(0);
    await selectBackend("wasm");
    const trained = await loadTrainedModel(checkpoints[1]!);
    try {
      expect(trained.model.family).toBe("llama");
      for (const example of examples) {
        expect(example.output.length).toBeGreaterThan(0);
        const [again] = generate(trained.model, trained.tokenizer, [chatPrompt(example.prompt, trained.tokenizer, trained.template)], { maxNewTokens: 24, stop: ["\n\n"] });
        expect(again!.text).toBe(example.output);
      }
      // the held-out NLL is the adapted model's: the same from the checkpoint, different from the base's
      const items = (await readEvalSamples({ testbed: { split: "heldout", count: 8, seed: 0, mix: 0.5 } }, (p) => p)).map((sample) => {
        const { prompt, answer } = promptAndAnswer(sample);
        return { prompt: chatPrompt(prompt, trained.tokenizer, trained.template), continuation: [...trained.tokenizer.encode(answer), trained.tokenizer.eos] };
      });
      const nll = (model: CausalLmLike) => {
        const scores = scoreContinuations(model, items);
        return -scores.reduce((s, x) => s + x.logProb, 0) / scores.reduce((s, x) => s + x.tokens, 0);
      };
      const reported = evals.find((e) => e.evaluator === "@ual/eval-nll" && e.subset === undefined)!.value;
      expect(nll(trained.model)).toBeCloseTo(reported, 5);
      const base = await loadHfModel(tinyLlama);
      expect(Math.abs(nll(base.model) - reported)).toBeGreaterThan(1e-3);
      base.model.dispose();
    } finally {
      trained.model.dispose();
    }
  });
});
