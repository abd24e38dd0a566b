import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import type { EventDraft, JsonObject, Loss, OnlineEstimator } from "@ual/core";
import { loadGpt2Weights, createGpt2 } from "@ual/models";
import { describe, expect, it } from "vitest";
import { arithmetic, drain, losses, makeTrainer, runDir, samplesOf } from "./_test_helpers.ts";

const data = arithmetic(24);
const input = { samples: samplesOf(data) };
const backends = ["wasm", "cpu"] as const;

for (const backend of backends) {
  describe(`@ual/trainer-tfjs on ${backend}`, () => {
    it("train() fits the data: the loss falls, every step is reported, a checkpoint is written at the end", async () => {
      const dir = runDir();
      const { trainer, logs } = await makeTrainer({ backend, maxSteps: 30, lr: 3e-3, batchSize: 8 }, { runDir: dir });
      const events = await drain(trainer, input);
      const l = losses(events);
      expect(l).toHaveLength(30);
      const first = (l[0]! + l[1]! + l[2]!) / 3;
      const last = (l[27]! + l[28]! + l[29]!) / 3;
      expect(last).toBeLessThan(first * 0.7);
      const step = events.find((e) => e.type === "train.step");
      expect(step).toMatchObject({ type: "train.step", step: 1, epoch: 1, epsilon: { mean: 0, min: 0, max: 0 } });
      expect((step as { lr: number }).lr).toBeCloseTo(1e-3); // warmup: 3 steps
      expect((step as { tokensPerSecond: number }).tokensPerSecond).toBeGreaterThan(0);
      const checkpoints = events.filter((e) => e.type === "checkpoint");
      expect(checkpoints).toHaveLength(1);
      expect(checkpoints[0]).toMatchObject({ step: 30, path: join(dir, "checkpoints", "step-000030") });
      expect(readdirSync(join(dir, "checkpoints", "step-000030")).sort()).toEqual(["config.json", "model.safetensors", "optimizer.safetensors", "trainer_state.json"]);
      expect(logs.join("\n")).toMatch(new RegExp(`backend: tfjs-backend-${backend === "cpu" ? "cpu" : "wasm"}`));
    });

    it("train() keeps tf.memory().numTensors flat across steps", async () => {
      const { trainer } = await makeTrainer({ backend, maxSteps: 6, batchSize: 8, microBatchSize: 4 }, { runDir: runDir() });
      const counts: number[] = [];
      const controller = new AbortController();
      for await (const event of trainer.train(input, { signal: controller.signal }) as AsyncIterable<EventDraft>) {
        if (event.type === "train.step") counts.push(tf.memory().numTensors);
      }
      expect(counts.slice(1).every((c) => c === counts[1])).toBe(true);
    });

    it("train() with micro-batches gives the update of the whole batch", async () => {
      const run = async (microBatchSize: number) => {
        const dir = runDir();
        const { trainer } = await makeTrainer({ backend, maxSteps: 3, batchSize: 8, microBatchSize, gradClip: null }, { runDir: dir });
        const events = await drain(trainer, input);
        const model = createGpt2({ vocabSize: 259, contextLength: 64, dModel: 32, layers: 2, heads: 2 });
        await loadGpt2Weights(model, join(dir, "checkpoints", "step-000003", "model.safetensors"));
        const weights = model.variables.get("transformer.h.1.mlp.c_fc.weight")!.dataSync().slice();
        model.dispose();
        return { losses: losses(events), weights };
      };
      const whole = await run(8);
      const split = await run(3);
      for (let i = 0; i < 3; i++) expect(split.losses[i]).toBeCloseTo(whole.losses[i]!, 5);
      let maxDiff = 0;
      for (let i = 0; i < whole.weights.length; i++) maxDiff = Math.max(maxDiff, Math.abs(whole.weights[i]! - split.weights[i]!));
      expect(maxDiff).toBeLessThan(2e-5);
    });
  });
}

describe("@ual/trainer-tfjs", () => {
  it("train() is deterministic for a seed and differs for another", async () => {
    const run = async (seed: number) => losses(await drain((await makeTrainer({ backend: "wasm", maxSteps: 4 }, { runDir: runDir(), seed })).trainer, input));
    const a = await run(3);
    expect(await run(3)).toEqual(a);
    expect(await run(4)).not.toEqual(a);
  });

  for (const sampling of ["epoch-shuffle", "with-replacement"] as const) {
    it(`train() stopped after a checkpoint resumes to the same losses and weights (${sampling})`, async () => {
      const options = { backend: "wasm", maxSteps: 7, batchSize: 4, checkpointEvery: 2, sampling };
      const whole = await drain((await makeTrainer(options, { runDir: runDir() })).trainer, input);
      const dir = runDir();
      const first = await drain((await makeTrainer(options, { runDir: dir })).trainer, input, (e) => e.type === "train.step" && e.step === 5);
      expect(losses(first)).toHaveLength(5);
      const { trainer, logs } = await makeTrainer(options, { runDir: dir });
      const second = await drain(trainer, input);
      expect(logs.join("\n")).toContain("resuming from");
      expect(second.find((e) => e.type === "train.step")).toMatchObject({ step: 5 });
      expect([...losses(first).slice(0, 4), ...losses(second)]).toEqual(losses(whole));
    });
  }

  it("train() on 2 threads (data parallel) gives the single thread's losses, deterministically", async () => {
    const smoothing = new Map(data.map((s, i) => [s.id, (i % 3) / 10]));
    const run = async (threads: number) => {
      const { trainer, logs } = await makeTrainer({ backend: "wasm", maxSteps: 4, batchSize: 8, microBatchSize: 2, threads }, { runDir: runDir() });
      const events = await drain(trainer, { ...input, smoothing });
      return { losses: losses(events), eps: events.flatMap((e) => (e.type === "train.step" ? [e.epsilon] : [])), logs };
    };
    const one = await run(1);
    const two = await run(2);
    expect(two.logs.join("\n")).toContain("data parallel: 2 threads");
    for (let i = 0; i < 4; i++) expect(two.losses[i]).toBeCloseTo(one.losses[i]!, 5);
    expect(two.eps).toEqual(one.eps);
    expect((await run(2)).losses).toEqual(two.losses);
  });

  it("train() on 2 threads handles a batch too short to share (an epoch's last, of 1 sample)", async () => {
    const run = async (threads: number) =>
      losses(await drain((await makeTrainer({ backend: "wasm", maxSteps: 2, batchSize: 23, threads, groupByLength: false }, { runDir: runDir() })).trainer, input));
    const one = await run(1);
    const two = await run(2);
    expect(two).toHaveLength(2);
    for (let i = 0; i < 2; i++) expect(two[i]).toBeCloseTo(one[i]!, 5);
  });

  it("train() takes ε per sample from the mapper and names a sample the mapper left out", async () => {
    const smoothing = new Map(data.map((s, i) => [s.id, (i % 4) / 10]));
    const events = await drain((await makeTrainer({ backend: "wasm", maxSteps: 2, batchSize: 24 }, { runDir: runDir() })).trainer, { ...input, smoothing });
    expect(events.find((e) => e.type === "train.step")).toMatchObject({ epsilon: { min: 0, max: 0.3 } });
    expect((events.find((e) => e.type === "train.step") as { epsilon: { mean: number } }).epsilon.mean).toBeCloseTo(0.15, 10);
    smoothing.delete("s5");
    const { trainer } = await makeTrainer({ backend: "wasm", maxSteps: 1 }, { runDir: runDir() });
    await expect(drain(trainer, { ...input, smoothing })).rejects.toThrow(/sample "s5" has no smoothing value from the mapper/);
  });

  it("train() feeds an online estimator each sample's NLL from the training pass and checkpoints its state", async () => {
    const seen: number[] = [];
    let total = 0;
    const online: OnlineEstimator = {
      mode: "online",
      next: (nll) => {
        seen.push(...nll);
        total += nll.length;
        return nll.map((x) => Math.min(0.5, x / 20));
      },
      state: (): JsonObject => ({ total }),
      restore: () => {},
    };
    const dir = runDir();
    const events = await drain((await makeTrainer({ backend: "wasm", maxSteps: 2, batchSize: 6, microBatchSize: 4 }, { runDir: dir })).trainer, { ...input, online });
    expect(seen).toHaveLength(12);
    // byte-level vocabulary of 259 at initialisation: NLL ≈ ln 259 ≈ 5.56
    for (const nll of seen) expect(nll).toBeGreaterThan(4.5);
    expect((events.find((e) => e.type === "train.step") as { epsilon: { mean: number } }).epsilon.mean).toBeCloseTo(seen.slice(0, 6).reduce((a, b) => a + Math.min(0.5, b / 20), 0) / 6, 6);
    const state = JSON.parse((await import("node:fs")).readFileSync(join(dir, "checkpoints", "step-000002", "trainer_state.json"), "utf8")) as { estimator: JsonObject };
    expect(state.estimator).toEqual({ total: 12 });
  });

  it("train() skips and reports a step whose loss is not finite, and stops after nanPatience in a row", async () => {
    const nan: Loss = { perSample: (logits) => tf.mul(tf.sum(logits as tf.Tensor3D, [1, 2]), Number.NaN), mean: () => tf.scalar(Number.NaN) };
    const { trainer, logs } = await makeTrainer({ backend: "wasm", maxSteps: 5, nanPatience: 2 }, { runDir: runDir() });
    const events: EventDraft[] = [];
    const controller = new AbortController();
    const run = async () => {
      for await (const e of trainer.train({ ...input, loss: nan }, { signal: controller.signal }) as AsyncIterable<EventDraft>) events.push(e);
    };
    await expect(run()).rejects.toThrow(/2 steps in a row had a non-finite loss or gradient \(the last at step 2\); training stops/);
    expect(events.filter((e) => e.type === "train.step").map((e) => (e as { skipped?: boolean }).skipped)).toEqual([true, true]);
    expect(logs.some((l) => l.startsWith("warn: step 1: the loss is NaN; the update is skipped"))).toBe(true);
  });

  it("train() refuses, before training, a configuration that cannot fit the wasm heap", async () => {
    const { trainer } = await makeTrainer({ backend: "wasm", model: { preset: "gpt2", vocabSize: 50257 }, maxSteps: 1 }, { runDir: runDir() });
    await expect(drain(trainer, input)).rejects.toThrow(/cannot train on the wasm backend: one sample of 1024 tokens needs about \d+\.\d+ GiB/);
  });

  it("train() uses a Hugging Face tokenizer.json and copies it into the checkpoint", async () => {
    const dir = runDir();
    const special = (id: number, content: string) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
    const vocab: Record<string, number> = { "<s>": 0, "</s>": 1, "<unk>": 2 };
    for (const ch of "0123456789+?.### User:Assistant please\n") vocab[ch] ??= Object.keys(vocab).length;
    writeFileSync(
      join(dir, "tokenizer.json"),
      JSON.stringify({
        version: "1.0",
        added_tokens: [special(0, "<s>"), special(1, "</s>"), special(2, "<unk>")],
        normalizer: null,
        pre_tokenizer: { type: "Split", pattern: { Regex: "." }, behavior: "Isolated", invert: false },
        post_processor: null,
        decoder: null,
        model: { type: "WordLevel", vocab, unk_token: "<unk>" },
      }),
    );
    const { trainer, logs } = await makeTrainer({ backend: "wasm", maxSteps: 2, tokenizer: join(dir, "tokenizer.json") }, { runDir: dir });
    const events = await drain(trainer, input);
    expect(losses(events)).toHaveLength(2);
    // the vocabulary is the tokenizer's: the initial NLL is about ln V
    expect(losses(events)[0]).toBeLessThan(Math.log(Object.keys(vocab).length) + 0.5);
    expect(readdirSync(join(dir, "checkpoints", "step-000002"))).toContain("tokenizer.json");
    expect(logs.join("\n")).not.toMatch(/no token to learn/);
  });

  it("the plugin rejects unknown options and a maxLength beyond the context", async () => {
    await expect(makeTrainer({ lernRate: 1 }, { runDir: runDir() })).rejects.toThrow(/lernRate/);
    await expect(makeTrainer({ backend: "wasm", maxLength: 65 }, { runDir: runDir() })).rejects.toThrow(/maxLength 65 exceeds the model's context length 64/);
  });
});
