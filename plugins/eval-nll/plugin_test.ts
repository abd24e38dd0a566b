import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger, type EventDraft, usePlugin } from "@ual/core";
import { chatPrompt, createByteTokenizer, createGpt2, type Gpt2Model, saveGpt2Weights, scoreContinuations } from "@ual/models";
import { selectBackend } from "@ual/nn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { plugin } from "./plugin.ts";

const CONTEXT = 48;
const tokenizer = createByteTokenizer();
let dir: string;
let model: Gpt2Model;

beforeAll(async () => {
  await selectBackend("wasm");
  model = createGpt2({ vocabSize: tokenizer.vocabSize, contextLength: CONTEXT, dModel: 16, layers: 1, heads: 2 }, { seed: 3 });
  dir = mkdtempSync(join(tmpdir(), "eval-nll-"));
  await saveGpt2Weights(model, join(dir, "model.safetensors"));
  writeFileSync(join(dir, "config.json"), JSON.stringify({ vocab_size: tokenizer.vocabSize, n_positions: CONTEXT, n_embd: 16, n_layer: 1, n_head: 2, ual: { tokenizer: "byte", template: "ual" } }));
  const samples = [
    { id: "fits", question: "2+2?", answer: "4", subset: "fits" },
    { id: "long-prompt", question: `Please read all of this first: ${"blah ".repeat(20)}. Now, 3+3?`, answer: "6", subset: "long-prompt" },
    { id: "long-answer", question: "Count.", answer: "one two three four five six seven eight nine ten eleven twelve", subset: "long-answer" },
  ];
  writeFileSync(join(dir, "heldout.jsonl"), samples.map((s) => JSON.stringify(s)).join("\n"));
});
afterAll(() => model.dispose());

async function evaluate(logs: string[]): Promise<Array<Extract<EventDraft, { type: "eval" }>>> {
  const logger = createLogger((level, message) => logs.push(`${level} ${message}`));
  const evaluator = await usePlugin(plugin, { backend: "wasm", data: { jsonl: "heldout.jsonl" } }, { baseDir: dir, logger });
  const events: EventDraft[] = [];
  const run = evaluator.evaluate({ artifacts: { model: dir }, samples: () => (async function* () {})() }, { signal: new AbortController().signal });
  for await (const e of run as AsyncIterable<EventDraft>) events.push(e);
  return events.filter((e): e is Extract<EventDraft, { type: "eval" }> => e.type === "eval");
}

/** NLL per token of one answer scored after the end of its prompt, cut here by hand. */
function expectedNll(question: string, answer: string, answerTokens: number): number {
  const continuation = [...tokenizer.encode(answer), tokenizer.eos].slice(0, answerTokens);
  const prompt = chatPrompt(question, tokenizer, "ual").slice(-(CONTEXT - continuation.length));
  const [score] = scoreContinuations(model, [{ prompt, continuation }]);
  return -score!.logProb / score!.tokens;
}

describe("plugin", () => {
  it("plugin scores dialogues longer than the context, keeping the prompt's end and the answer's start, and counts them", async () => {
    const logs: string[] = [];
    const events = await evaluate(logs);
    const bySubset = new Map(events.map((e) => [e.subset ?? "all", e]));
    expect([...bySubset.keys()].sort()).toEqual(["all", "fits", "long-answer", "long-prompt"]);
    expect(bySubset.get("fits")?.details).toEqual({ samples: 1, promptTruncated: 0, answerTruncated: 0, contextLength: CONTEXT });
    expect(bySubset.get("long-prompt")?.details).toMatchObject({ promptTruncated: 1, answerTruncated: 0 });
    expect(bySubset.get("long-answer")?.details).toMatchObject({ promptTruncated: 1, answerTruncated: 1 });
    expect(bySubset.get("all")?.details).toEqual({ samples: 3, promptTruncated: 2, answerTruncated: 1, contextLength: CONTEXT });

    expect(bySubset.get("fits")?.value).toBeCloseTo(expectedNll("2+2?", "4", Infinity), 5);
    expect(bySubset.get("long-prompt")?.value).toBeCloseTo(expectedNll(`Please read all of this first: ${"blah ".repeat(20)}. Now, 3+3?`, "6", Infinity), 5);
    expect(bySubset.get("long-answer")?.value).toBeCloseTo(expectedNll("Count.", "one two three four five six seven eight nine ten eleven twelve", CONTEXT - 1), 5);
    expect(logs).toEqual([expect.stringMatching(/^warn @ual\/eval-nll: 1 of 3 reference answers are longer than the context of 48 tokens; only their first 47 tokens were scored \(long-answer\)$/)]);
  });
});
