// The committed base model (examples/models/ual-base) and its probes: that the folder loads as a
// downloaded checkpoint, as a trained model and as trainer-tfjs `init:`, that the files are the ones
// the README's hash names, and that the probes tell the pretrained base from a random model.
import { createHash } from "node:crypto";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs-core";
import { createLogger, type EventDraft, usePlugin } from "@ual/core";
import { plugin as multipleChoice } from "@ual/eval-multiple-choice";
import { plugin as evalNll } from "@ual/eval-nll";
import { createGpt2, loadHfModel, loadTrainedModel, renderHfChatTemplate, saveHfModel } from "@ual/models";
import { selectBackend } from "@ual/nn";
import { beforeAll, describe, expect, it } from "vitest";
import { tempDir, ual } from "../../test/_cli.ts";
import { readEvents } from "../../test/_train_runs.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const BASE = join(ROOT, "examples/models/ual-base");
const TEXT = join(ROOT, "examples/data/base-text-heldout.jsonl");
const CLOZE = join(ROOT, "examples/data/base-cloze-heldout.jsonl");

type EvalEvent = Extract<EventDraft, { type: "eval" }>;

async function evaluate(plugin: typeof evalNll | typeof multipleChoice, options: unknown, model: string): Promise<EvalEvent[]> {
  const evaluator = await usePlugin(plugin as typeof evalNll, options, { baseDir: ROOT, logger: createLogger(() => {}) });
  const events: EventDraft[] = [];
  const run = evaluator.evaluate({ artifacts: { model }, samples: () => (async function* () {})() }, { signal: new AbortController().signal });
  for await (const e of run as AsyncIterable<EventDraft>) events.push(e);
  return events.filter((e): e is EvalEvent => e.type === "eval");
}

const value = (events: EvalEvent[], metric: string) => events.find((e) => e.metric === metric)?.value as number;

beforeAll(async () => {
  await selectBackend("wasm");
});

describe("examples/models/ual-base", () => {
  it("loads with loadHfModel as a downloaded GPT-2, its tokenizer round-trips held-out text and its chat template renders Q/A turns", async () => {
    const loaded = await loadHfModel(BASE, { trainable: false });
    try {
      expect(loaded.family).toBe("gpt2");
      expect(loaded.model.config).toMatchObject({ vocabSize: 4096, contextLength: 128, dModel: 128, layers: 4, heads: 4 });
      const tok = loaded.tokenizer!;
      expect([tok.vocabSize, tok.bos, tok.eos]).toEqual([4096, 0, 0]);
      for (const line of readFileSync(TEXT, "utf8").trim().split("\n").slice(0, 50)) {
        const { text } = JSON.parse(line) as { text: string };
        expect(tok.decode(tok.encode(text))).toBe(text);
      }
      const rendered = renderHfChatTemplate(loaded.chatTemplate!, [{ role: "user", content: "Hi" }, { role: "assistant", content: "Hello" }], { bosToken: loaded.specialTokens.bos, eosToken: loaded.specialTokens.eos });
      expect(rendered).toBe("<|endoftext|>Q: Hi\nA: Hello<|endoftext|>");
    } finally {
      loaded.model.dispose();
    }
  });

  it("model.safetensors is the file whose SHA-256 the README and training.json record", () => {
    const sha = createHash("sha256").update(readFileSync(join(BASE, "model.safetensors"))).digest("hex");
    expect(readFileSync(join(BASE, "README.md"), "utf8")).toContain(sha);
    expect((JSON.parse(readFileSync(join(BASE, "training.json"), "utf8")) as { sha256: string }).sha256).toBe(sha);
  });

  it("loadTrainedModel reads the folder as loadHfModel does (same logits, the folder's tokenizer)", async () => {
    const a = await loadHfModel(BASE, { trainable: false });
    const b = await loadTrainedModel(BASE);
    try {
      const ids = b.tokenizer.encode("Call me Ishmael.");
      const x = tf.tensor2d([ids], [1, ids.length], "int32");
      const [la, lb] = [a.model.logits(x), b.model.logits(x)];
      expect(tf.max(tf.abs(tf.sub(la, lb))).dataSync()[0]).toBe(0);
      tf.dispose([x, la, lb]);
      expect(b.tokenizer.vocabSize).toBe(4096);
    } finally {
      a.model.dispose();
      b.model.dispose();
    }
  });

  it("the probes score the pretrained base far better than a random model of the same shape", async () => {
    const random = tempDir("ual-base-random-");
    const model = createGpt2({ vocabSize: 4096, contextLength: 128, dModel: 128, layers: 4, heads: 4 }, { seed: 1 });
    await saveHfModel({ family: "gpt2", model }, random);
    model.dispose();
    for (const f of ["tokenizer.json", "tokenizer_config.json"]) copyFileSync(join(BASE, f), join(random, f));

    const nllOptions = { backend: "wasm", data: { text: TEXT, subset: "base-text" } };
    const [base, rand] = [await evaluate(evalNll, nllOptions, BASE), await evaluate(evalNll, nllOptions, random)];
    expect(base.map((e) => e.subset)).toEqual(["base-text"]);
    // A random model is near log 4096 = 8.3 nats per token; the base must have learned a lot of English.
    expect(value(rand, "nll")).toBeGreaterThan(7.5);
    expect(value(base, "nll")).toBeLessThan(value(rand, "nll") - 2);

    const mcOptions = { backend: "wasm", data: { jsonl: CLOZE, format: "hellaswag", subset: "base-cloze" } };
    const [mcBase, mcRand] = [await evaluate(multipleChoice, mcOptions, BASE), await evaluate(multipleChoice, mcOptions, random)];
    const n = readFileSync(CLOZE, "utf8").trim().split("\n").length;
    const se = Math.sqrt((0.25 * 0.75) / n);
    for (const metric of ["acc", "acc_norm"]) {
      expect(value(mcRand, metric), `random ${metric}`).toBeLessThan(0.25 + 3 * se);
      expect(value(mcBase, metric), `base ${metric}`).toBeGreaterThan(0.25 + 5 * se);
    }
  });

  it("is a trainer-tfjs init: LoRA (r 8, alpha 16, dropout 0.1 on c_attn) trains from it and the evaluators read the adapted checkpoint", async () => {
    const dir = tempDir("ual-base-lora-");
    const manifest = {
      apiVersion: "ual/v1",
      name: "ual-base-lora",
      stages: {
        source: { use: "@ual/source-testbed", with: { split: "train", count: 64 } },
        trainer: {
          use: "@ual/trainer-tfjs",
          with: { init: BASE, lora: { r: 8, alpha: 16, dropout: 0.1 }, backend: "wasm", batchSize: 16, maxLength: 64, maxSteps: 3, lr: 0.001, checkpointEvery: 3 },
        },
        evaluators: [
          { use: "@ual/eval-nll", with: { backend: "wasm", data: { text: TEXT } } },
          { use: "@ual/eval-multiple-choice", with: { backend: "wasm", data: { jsonl: CLOZE, format: "hellaswag", subset: "base-cloze", limit: 100 } } },
        ],
      },
    };
    const path = join(dir, "manifest.json");
    writeFileSync(path, JSON.stringify(manifest));
    const { code, stdout, stderr } = ual(["run", path, "--runs-dir", join(dir, "runs"), "--json"], { cwd: dir });
    expect(code, stderr).toBe(0);
    const events = readEvents((JSON.parse(stdout) as { runDir: string }).runDir);
    expect(events.filter((e) => e.type === "train.step")).toHaveLength(3);
    const evals = events.filter((e) => e.type === "eval");
    expect(evals.map((e) => `${e.evaluator} ${e.subset ?? ""} ${e.metric}`)).toEqual(expect.arrayContaining(["@ual/eval-nll base-text nll", "@ual/eval-multiple-choice base-cloze acc", "@ual/eval-multiple-choice base-cloze acc_norm"]));
  });
});
