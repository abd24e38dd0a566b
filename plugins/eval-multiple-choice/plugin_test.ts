import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs-core";
import { type EventDraft, usePlugin } from "@ual/core";
import { chatPrompt, createByteTokenizer, createGpt2, type Gpt2Model, saveGpt2Weights } from "@ual/models";
import { selectBackend } from "@ual/nn";
import { testbedMultipleChoice } from "@ual/testbed";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lastPositionLogits } from "./_last_logits.ts";
import { scoreChoices } from "./_score_loglik.ts";
import { choiceLetter } from "./choice_letter.ts";
import { letterPrompt } from "./letter_prompt.ts";
import type { MultipleChoiceItem } from "./multiple_choice_item.ts";
import { plugin } from "./plugin.ts";
import { readMultipleChoiceJsonl } from "./read_multiple_choice_jsonl.ts";

const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));
const CONFIG = { vocabSize: 259, contextLength: 256, dModel: 32, layers: 2, heads: 2 };
const tokenizer = createByteTokenizer();

/**
 * A random GPT-2 whose final LayerNorm bias points along the embeddings of "A"–"D", so that the
 * next-token mass on the letters is large (≈ 0.1–0.6) and still depends on the prompt — a random
 * model alone puts ≈ 1/259 on each, which would make Best-of-N checks vacuous.
 */
async function letterLeaningCheckpoint(): Promise<{ dir: string; model: Gpt2Model }> {
  const model = createGpt2(CONFIG, { seed: 5 });
  const direction = tf.tidy(() => {
    const u = tf.randomNormal([CONFIG.dModel], 0, 1, "float32", 9);
    return tf.div(u, tf.norm(u));
  });
  model.variables.get("transformer.ln_f.bias")!.assign(tf.mul(direction, 6));
  const wte = model.variables.get("transformer.wte.weight")!;
  const rows = wte.arraySync() as number[][];
  const u = direction.arraySync() as number[];
  [1, 0.9, 0.8, 0.7].forEach((c, k) => (rows[65 + k] = u.map((x) => c * x)));
  wte.assign(tf.tensor2d(rows));
  direction.dispose();
  const dir = mkdtempSync(join(tmpdir(), "eval-mc-"));
  await saveGpt2Weights(model, join(dir, "model.safetensors"));
  writeFileSync(join(dir, "config.json"), JSON.stringify({ vocab_size: 259, n_positions: 256, n_embd: 32, n_layer: 2, n_head: 2, ual: { tokenizer: "byte", template: "ual" } }));
  return { dir, model };
}

/** All logits [T, V] of one unpadded sequence, the model's plain forward. */
function forward(model: Gpt2Model, ids: readonly number[]): Float32Array {
  const out = model.logits(tf.tensor2d([[...ids]], [1, ids.length], "int32"));
  const values = out.dataSync() as Float32Array;
  out.dispose();
  return values;
}

function logSoftmaxAt(logits: Float32Array, row: number, id: number, v: number): number {
  let max = -Infinity;
  for (let i = 0; i < v; i++) max = Math.max(max, logits[row * v + i]!);
  let sum = 0;
  for (let i = 0; i < v; i++) sum += Math.exp(logits[row * v + i]! - max);
  return logits[row * v + id]! - max - Math.log(sum);
}

/** Σ log p of each choice, computed here from the spec's prompt shapes, not by the plugin's code. */
function independentLogProbs(model: Gpt2Model, item: MultipleChoiceItem, chat: boolean): Array<{ logProb: number; tokens: number }> {
  return item.choices.map((choice) => {
    const prompt = chat ? chatPrompt(item.question, tokenizer, "ual") : [256, ...tokenizer.encode(item.kind === "continuation" ? item.question : `Question: ${item.question}\nAnswer:`)];
    const continuation = chat ? [...tokenizer.encode(choice), 257] : tokenizer.encode(` ${choice}`);
    const ids = [...prompt, ...continuation];
    const logits = forward(model, ids);
    let logProb = 0;
    for (let j = prompt.length; j < ids.length; j++) logProb += logSoftmaxAt(logits, j - 1, ids[j]!, 259);
    return { logProb, tokens: continuation.length };
  });
}

/** P_gold of the letter method, computed here: last position / T, top-k, softmax, the letter's byte. */
function independentGoldMass(model: Gpt2Model, item: MultipleChoiceItem, chat: boolean, temperature: number, topK: number): number {
  const text = letterPrompt(item);
  const ids = (chat ? chatPrompt(text, tokenizer, "ual") : [256, ...tokenizer.encode(text)]).slice(-256);
  const logits = forward(model, ids).slice((ids.length - 1) * 259, ids.length * 259);
  const kth = [...logits].sort((a, b) => b - a)[topK - 1]!;
  const max = Math.max(...logits);
  let total = 0;
  logits.forEach((x) => (total += x >= kth ? Math.exp((x - max) / temperature) : 0));
  const gold = 65 + item.answer;
  return logits[gold]! >= kth ? Math.exp((logits[gold]! - max) / temperature) / total : 0;
}

async function evaluate(dir: string, options: Record<string, unknown>): Promise<EventDraft[]> {
  const evaluator = await usePlugin(plugin, { backend: "wasm", ...options }, { baseDir: FIXTURES });
  const events: EventDraft[] = [];
  for await (const e of evaluator.evaluate({ artifacts: { model: dir }, samples: () => (async function* () {})() }, { signal: new AbortController().signal }) as AsyncIterable<EventDraft>) events.push(e);
  return events;
}

function metric(events: EventDraft[], name: string, subset?: string): Extract<EventDraft, { type: "eval" }> {
  const found = events.find((e) => e.type === "eval" && e.metric === name && e.subset === subset);
  expect(found, `no ${name} event for subset ${subset}`).toBeDefined();
  return found as Extract<EventDraft, { type: "eval" }>;
}

// The numeric checks run on wasm and cpu (STYLE.md); the plugin's end-to-end checks on wasm only,
// which keeps the suite to seconds (cpu is ~10× slower here).
for (const name of ["wasm", "cpu"] as const) {
  describe(`@ual/eval-multiple-choice on ${name}`, () => {
    let checkpoint: { dir: string; model: Gpt2Model };
    beforeAll(async () => {
      await selectBackend(name);
      checkpoint = await letterLeaningCheckpoint();
    });
    afterAll(() => checkpoint.model.dispose());

    it("lastPositionLogits() returns each prompt's last row of model.logits, batched and padded or not", () => {
      const prompts = ["# Answer:\n", "Which is right?\n# Answer:\n", "x"].map((t) => [256, ...tokenizer.encode(t)]);
      const rows = lastPositionLogits(checkpoint.model, prompts, { batchSize: 2 });
      prompts.forEach((ids, i) => {
        const expected = forward(checkpoint.model, ids).slice((ids.length - 1) * 259);
        expect(rows[i]).toHaveLength(259);
        for (let v = 0; v < 259; v++) expect(rows[i]![v]!).toBeCloseTo(expected[v]!, 4);
      });
    });

    it("scoreChoices() gives each choice the Σ log p computed from model.logits, batched and padded or not", async () => {
      const items = [...(await readMultipleChoiceJsonl(join(FIXTURES, "arc.jsonl"))), ...(await readMultipleChoiceJsonl(join(FIXTURES, "hellaswag.jsonl")))];
      const scored = scoreChoices(checkpoint.model, tokenizer, "ual", items.map((item) => ({ item, style: "raw" as const })), { batchSize: 5 });
      const chat = scoreChoices(checkpoint.model, tokenizer, "ual", items.map((item) => ({ item, style: "chat" as const })), { batchSize: 2 });
      items.forEach((item, i) => {
        for (const [got, isChat] of [[scored[i]!, false], [chat[i]!, true]] as const) {
          const expected = independentLogProbs(checkpoint.model, item, isChat);
          expect(got.answer).toBe(item.answer);
          got.scores.forEach((s, k) => {
            expect(s.logProb).toBeCloseTo(expected[k]!.logProb, 3);
            expect(s.tokens).toBe(expected[k]!.tokens);
            // lm-eval-harness: len(choice), in code points, without the target delimiter " ".
            expect(s.chars).toBe([...item.choices[k]!].length);
          });
        }
      });
    });
  });
}

describe("@ual/eval-multiple-choice", () => {
  let checkpoint: { dir: string; model: Gpt2Model };
  beforeAll(async () => {
    await selectBackend("wasm");
    checkpoint = await letterLeaningCheckpoint();
  });
  afterAll(() => checkpoint.model.dispose());

  it("loglik: acc and acc_norm per subset equal an argmax over log-probabilities computed from model.logits", async () => {
    const files = ["arc.jsonl", "mmlu.jsonl", "hellaswag.jsonl", "truthfulqa_mc1.jsonl", "generic.jsonl"];
    const testbed = { count: 12, choices: 4, seed: 2 };
    const events = await evaluate(checkpoint.dir, { data: [...files.map((jsonl) => ({ jsonl })), { testbed }], batchSize: 3 });
    const subsets: Array<[string, MultipleChoiceItem[], boolean]> = [];
    for (const file of files) subsets.push([file.replace(".jsonl", ""), await readMultipleChoiceJsonl(join(FIXTURES, file)), false]);
    const tb = testbedMultipleChoice(testbed).map((i): MultipleChoiceItem => ({ ...i, subset: "testbed", kind: "question" }));
    subsets.push(["testbed", tb, true]);
    let accSum = 0;
    let questions = 0;
    for (const [subset, items, chat] of subsets) {
      let acc = 0;
      let accNorm = 0;
      let accNormTokens = 0;
      for (const item of items) {
        const scores = independentLogProbs(checkpoint.model, item, chat);
        const best = (values: number[]) => values.indexOf(Math.max(...values));
        if (best(scores.map((s) => s.logProb)) === item.answer) acc++;
        if (best(scores.map((s, k) => s.logProb / [...item.choices[k]!].length)) === item.answer) accNorm++;
        if (best(scores.map((s) => s.logProb / s.tokens)) === item.answer) accNormTokens++;
      }
      expect(metric(events, "acc", subset).value, subset).toBeCloseTo(acc / items.length, 12);
      expect(metric(events, "acc_norm", subset).value, subset).toBeCloseTo(accNorm / items.length, 12);
      expect(metric(events, "acc_norm_tokens", subset).value, subset).toBeCloseTo(accNormTokens / items.length, 12);
      expect(metric(events, "acc", subset).details).toMatchObject({ samples: items.length, prompt: chat ? "chat" : "raw" });
      accSum += acc;
      questions += items.length;
    }
    expect(metric(events, "acc").value).toBeCloseTo(accSum / questions, 12);
    expect(events.filter((e) => e.type === "eval")).toHaveLength(3 * (subsets.length + 1));
  });

  it("letter: best_of_n is the mean of 1 − (1 − P_gold)^4 computed from model.logits, and a seeded sampled run agrees within sampling error", async () => {
    const options = { data: [{ jsonl: "generic.jsonl" }, { testbed: { count: 40, choices: 4, seed: 1 } }], methods: ["letter"], sampledRuns: 300, batchSize: 7 };
    const events = await evaluate(checkpoint.dir, options);
    const items = testbedMultipleChoice({ count: 40, choices: 4, seed: 1 }).map((i): MultipleChoiceItem => ({ ...i, subset: "testbed", kind: "question" }));
    const masses = items.map((item) => independentGoldMass(checkpoint.model, item, true, 0.8, 200));
    // the check means something only if P_gold is neither 0 nor 1 and varies between questions
    expect(Math.max(...masses) - Math.min(...masses)).toBeGreaterThan(0.1);
    expect(Math.min(...masses)).toBeGreaterThan(0.01);
    const analytic = metric(events, "best_of_n", "testbed");
    expect(analytic.value).toBeCloseTo(masses.reduce((s, p) => s + (1 - (1 - p) ** 4), 0) / masses.length, 5);
    expect(analytic.details).toMatchObject({ n: 4, temperature: 0.8, topK: 200, samples: 40, prompt: "chat" });
    expect((analytic.details as { meanGoldMass: number }).meanGoldMass).toBeCloseTo(masses.reduce((s, p) => s + p, 0) / masses.length, 5);

    const sampled = metric(events, "best_of_n_sampled", "testbed");
    const { samplingSd, perRun } = sampled.details as { samplingSd: number; perRun: number[] };
    expect(perRun).toHaveLength(300);
    expect(samplingSd).toBeGreaterThan(0.001);
    expect(Math.abs(sampled.value - analytic.value)).toBeLessThan(4.5 * samplingSd);
    // single runs scatter around the analytic value with about √300 times that spread
    const runSd = Math.sqrt(perRun.reduce((s, x) => s + (x - sampled.value) ** 2, 0) / (perRun.length - 1));
    expect(runSd / (samplingSd * Math.sqrt(300))).toBeGreaterThan(0.7);
    expect(runSd / (samplingSd * Math.sqrt(300))).toBeLessThan(1.4);

    // first_token_acc: the argmax of the last logits is the right letter's byte
    const firstTokenAcc = items.filter((item) => {
      const ids = chatPrompt(letterPrompt(item), tokenizer, "ual").slice(-256);
      const row = forward(checkpoint.model, ids).slice((ids.length - 1) * 259, ids.length * 259);
      return row.indexOf(Math.max(...row)) === 65 + item.answer;
    }).length / items.length;
    expect(metric(events, "first_token_acc", "testbed").value).toBeCloseTo(firstTokenAcc, 12);
    expect(metric(events, "best_of_n", "generic").details).toMatchObject({ prompt: "raw", samples: 3 });
    expect(metric(events, "best_of_n")).toBeDefined();

    const again = await evaluate(checkpoint.dir, options);
    expect(metric(again, "best_of_n_sampled", "testbed").value).toBe(sampled.value);
    const reseeded = await evaluate(checkpoint.dir, { ...options, seed: 1 });
    expect((metric(reseeded, "best_of_n_sampled", "testbed").details as { perRun: number[] }).perRun).not.toEqual(perRun);
  });

  it("letter: shots use the last questions as demonstrations and do not score them", async () => {
    const events = await evaluate(checkpoint.dir, { data: { jsonl: "truthfulqa_mc1.jsonl" }, methods: ["letter"], shots: 2, temperature: 1, topK: 3 });
    const items = await readMultipleChoiceJsonl(join(FIXTURES, "truthfulqa_mc1.jsonl"));
    const demos = items.slice(-2);
    const masses = items.slice(0, -2).map((item) => {
      const ids = [256, ...tokenizer.encode(letterPrompt(item, demos))].slice(-256);
      const row = forward(checkpoint.model, ids).slice((ids.length - 1) * 259, ids.length * 259);
      const kth = [...row].sort((a, b) => b - a)[2]!;
      const max = Math.max(...row);
      const total = row.reduce((s, x) => s + (x >= kth ? Math.exp(x - max) : 0), 0);
      const gold = row[65 + item.answer]!;
      return gold >= kth ? Math.exp(gold - max) / total : 0;
    });
    const event = metric(events, "best_of_n", "truthfulqa_mc1");
    expect(event.details).toMatchObject({ samples: 4, shots: 2 });
    expect(event.value).toBeCloseTo(masses.reduce((s, p) => s + (1 - (1 - p) ** 4), 0) / 4, 5);
    expect(choiceLetter(items[0]!.answer)).toMatch(/^[A-D]$/);
    await expect(evaluate(checkpoint.dir, { data: { jsonl: "mmlu.jsonl" }, methods: ["letter"], shots: 2 })).rejects.toThrow(/subset mmlu has 2 questions, so none is left after 2 demonstrations/);
  });

  it("evaluate() frees every tensor it made, the loaded model included", async () => {
    const data = [{ jsonl: "generic.jsonl" }, { testbed: { count: 4, choices: 3, seed: 0 } }];
    await evaluate(checkpoint.dir, { data, methods: ["loglik", "letter"] });
    const before = tf.memory().numTensors;
    await evaluate(checkpoint.dir, { data, methods: ["loglik", "letter"], sampledRuns: 2 });
    expect(tf.memory().numTensors).toBe(before);
  });

  it("names the bad record, a missing model and clashing subsets", async () => {
    await expect(evaluate(checkpoint.dir, { data: { jsonl: "bad.jsonl" } })).rejects.toThrow(/bad\.jsonl:2: answer is 5, not an index from 0 to 1/);
    await expect(evaluate(checkpoint.dir, { data: [{ jsonl: "generic.jsonl" }, { jsonl: "arc.jsonl", subset: "generic" }] })).rejects.toThrow(/both subset "generic"; give one of them a subset: name/);
    const evaluator = await usePlugin(plugin, {}, { baseDir: FIXTURES });
    const run = async () => {
      for await (const _ of evaluator.evaluate({ artifacts: {}, samples: () => (async function* () {})() }, { signal: new AbortController().signal }) as AsyncIterable<EventDraft>) void _;
    };
    await expect(run()).rejects.toThrow(/no `model` artifact/);
    await expect(usePlugin(plugin, { methods: ["guess"] })).rejects.toThrow(/methods/);
  });
});
