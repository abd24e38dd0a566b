import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import type { Loss, LossSpec } from "@ual/core";
import { createLlama, saveHfModel } from "@ual/models";
import { lossFromSpec, selectBackend } from "@ual/nn";
import { beforeAll, describe, expect, it } from "vitest";
import { arithmetic, drain, losses, makeTrainer, runDir, samplesOf } from "./_test_helpers.ts";

/** A manifest loss stage as a loss plugin gives it (what `@ual/losses` returns), from its spec. */
function stageOf(kind: string, options: LossSpec["options"], aggregation: LossSpec["aggregation"] = "token-mean"): Loss {
  const rebuilt = lossFromSpec({ kind, options, aggregation });
  const spec: LossSpec = { kind, options, aggregation, needsBaseLogits: rebuilt.needsBaseLogits };
  type L = Parameters<typeof rebuilt.perSample>;
  return {
    aggregation,
    needsBaseLogits: rebuilt.needsBaseLogits,
    spec: () => spec,
    perSample: (logits, labels, eps, inputs) => rebuilt.perSample(logits as L[0], labels as L[1], eps, inputs?.baseLogits as L[3]),
    mean: (logits, labels, eps, inputs) => rebuilt.mean(logits as L[0], labels as L[1], eps, inputs?.baseLogits as L[3]),
  };
}

// samples of unequal length, so that token-mean and sample-mean differ
const data = arithmetic(24);
const input = { samples: samplesOf(data) };
const smoothing = new Map(data.map((s, i) => [s.id, (i % 4) / 10]));
let base = "";

describe("@ual/trainer-tfjs with a manifest loss stage", () => {
  beforeAll(async () => {
    await selectBackend("wasm");
    base = join(runDir(), "tiny-llama");
    const model = createLlama({ vocabSize: 259, dModel: 32, ffnDim: 64, layers: 2, heads: 4, kvHeads: 2, contextLength: 64, tieWordEmbeddings: true }, { seed: 5 });
    await saveHfModel({ family: "llama", model }, base);
    model.dispose();
  });

  it("train() with a token-mean loss gives the whole batch's losses whatever the micro-batches and threads", async () => {
    const run = async (microBatchSize: number, threads: number, loss: Loss) => {
      const { trainer, logs } = await makeTrainer({ backend: "wasm", maxSteps: 3, batchSize: 8, microBatchSize, threads, gradClip: null }, { runDir: runDir() });
      return { losses: losses(await drain(trainer, { ...input, smoothing, loss })), logs };
    };
    const eaft = stageOf("eaft", { alpha: 1, topK: 20, entropyScale: "log-k", convention: "reference" });
    const whole = await run(8, 1, eaft);
    expect(whole.logs.join("\n")).toMatch(/loss: the manifest's loss stage \(eaft .*\), token-mean/);
    const split = await run(3, 1, eaft);
    const parallel = await run(2, 2, eaft);
    // a spec @ual/nn rebuilds runs on the worker threads too
    expect(parallel.logs.join("\n")).toContain("data parallel: 2 threads");
    for (let i = 0; i < 3; i++) {
      expect(split.losses[i]).toBeCloseTo(whole.losses[i]!, 5);
      expect(parallel.losses[i]).toBeCloseTo(whole.losses[i]!, 5);
    }
    // the weights matter: the same loss averaged per sample first is another number
    const perSample = await run(3, 1, stageOf("eaft", { alpha: 1, topK: 20, entropyScale: "log-k", convention: "reference" }, "sample-mean"));
    expect(Math.abs(perSample.losses[0]! - whole.losses[0]!)).toBeGreaterThan(1e-4);
  });

  it("train() with a loss stage without a spec stays on one thread", async () => {
    const { spec: _, ...opaque } = stageOf("dft", { convention: "reference" });
    const { trainer, logs } = await makeTrainer({ backend: "wasm", maxSteps: 1, batchSize: 4, threads: 2 }, { runDir: runDir() });
    expect(losses(await drain(trainer, { ...input, loss: opaque }))).toHaveLength(1);
    expect(logs.join("\n")).toContain("threads: 1 (a manifest loss stage without a spec @ual/nn knows runs on the main thread)");
  });

  // ASFT's anchor is KL(base ‖ model): 0 at the first step, where the model is still the base
  // (LoRA's B starts at 0; a full fine-tune starts from the init weights), so ASFT's first loss
  // is DFT's; after an update they part. A wrong base (the adapters left on, or none) fails this.
  for (const [what, options] of [
    ["lora", { init: "BASE", lora: { r: 4, alpha: 8, dropout: 0 } }],
    ["full fine-tuning", { init: "BASE" }],
    ["a model trained from scratch", {}],
  ] as const) {
    it(`train() with ASFT on ${what}: the base model's logits make the anchor 0 at the first step, then not`, async () => {
      const run = async (loss: Loss, threads: number) => {
        const resolved = Object.fromEntries(Object.entries(options).map(([k, v]) => [k, v === "BASE" ? base : v]));
        const { trainer, logs } = await makeTrainer({ backend: "wasm", maxSteps: 3, batchSize: 4, microBatchSize: 2, threads, lr: 3e-2, gradClip: null, ...resolved }, { runDir: runDir() });
        return { losses: losses(await drain(trainer, { ...input, loss })), logs };
      };
      const dft = await run(stageOf("dft", { convention: "reference" }), 1);
      const asft = await run(stageOf("asft", { alpha: 0.1, convention: "reference" }), 1);
      expect(asft.logs.join("\n")).toMatch(/anchored to the base model/);
      expect(asft.losses[0]).toBeCloseTo(dft.losses[0]!, 5);
      expect(asft.losses[2]).not.toBeCloseTo(dft.losses[2]!, 4);
      const parallel = await run(stageOf("asft", { alpha: 0.1, convention: "reference" }), 2);
      for (let i = 0; i < 3; i++) expect(parallel.losses[i]).toBeCloseTo(asft.losses[i]!, 5);
    });
  }

  it("train() with a loss stage keeps the tensor count flat across steps (ASFT's base pass included)", async () => {
    const { trainer } = await makeTrainer({ backend: "wasm", init: base, lora: {}, maxSteps: 4, batchSize: 4, threads: 1 }, { runDir: runDir() });
    const counts: number[] = [];
    for await (const event of trainer.train({ ...input, loss: stageOf("asft", { alpha: 0.1, convention: "reference" }) }, { signal: new AbortController().signal }) as AsyncIterable<{ type: string }>) {
      if (event.type === "train.step") counts.push(tf.memory().numTensors);
    }
    expect(counts).toHaveLength(4);
    expect(counts.slice(1).every((c) => c === counts[1])).toBe(true);
  });
});
