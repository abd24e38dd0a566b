import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger, type EventDraft, usePlugin } from "@ual/core";
import { chatPrompt, createByteTokenizer, createGpt2, type Gpt2Model, generate, saveGpt2Weights } from "@ual/models";
import { selectBackend } from "@ual/nn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isExactMatch } from "./extract_answer.ts";
import { plugin } from "./plugin.ts";

const CONTEXT = 64;
const tokenizer = createByteTokenizer();
let dir: string;
let model: Gpt2Model;
const questions = [
  { id: "a", question: "2+2?", answer: "4", subset: "short" },
  { id: "b", question: "What is 10 + 5?", answer: "15", subset: "short" },
  { id: "c", question: `Read: ${"blah ".repeat(3)}3+3?`, answer: "6", subset: "long" },
  { id: "d", question: "Name it.", answer: "x", subset: "short" },
  { id: "e", question: `Too long for the context: ${"word ".repeat(20)}`, answer: "7", subset: "long" },
];

beforeAll(async () => {
  await selectBackend("wasm");
  model = createGpt2({ vocabSize: tokenizer.vocabSize, contextLength: CONTEXT, dModel: 16, layers: 1, heads: 2 }, { seed: 11 });
  dir = mkdtempSync(join(tmpdir(), "eval-exact-match-"));
  await saveGpt2Weights(model, join(dir, "model.safetensors"));
  writeFileSync(join(dir, "config.json"), JSON.stringify({ vocab_size: tokenizer.vocabSize, n_positions: CONTEXT, n_embd: 16, n_layer: 1, n_head: 2, ual: { tokenizer: "byte", template: "ual" } }));
  writeFileSync(join(dir, "heldout.jsonl"), questions.map((s) => JSON.stringify(s)).join("\n"));
});
afterAll(() => model.dispose());

async function evaluate(options: Record<string, unknown>, logs: string[] = []): Promise<Array<Extract<EventDraft, { type: "eval" }>>> {
  const logger = createLogger((level, message) => logs.push(`${level} ${message}`));
  const evaluator = await usePlugin(plugin, { backend: "wasm", data: { jsonl: "heldout.jsonl" }, maxNewTokens: 6, ...options }, { baseDir: dir, logger });
  const events: EventDraft[] = [];
  for await (const e of evaluator.evaluate({ artifacts: { model: dir }, samples: () => (async function* () {})() }, { signal: new AbortController().signal }) as AsyncIterable<EventDraft>) events.push(e);
  return events.filter((e): e is Extract<EventDraft, { type: "eval" }> => e.type === "eval");
}

/** What the model answers to one question on its own: the prompt's end when it is too long. */
function alone(question: string): string {
  const ids = chatPrompt(question, tokenizer, "ual");
  return generate(model, tokenizer, [ids.length >= CONTEXT ? ids.slice(-(CONTEXT - 1)) : ids], { maxNewTokens: 6, stop: ["\n\n"] })[0]!.text;
}

describe("plugin", () => {
  it("plugin answers each question as the model does alone, in any batch, and scores it with isExactMatch", async () => {
    const expected = questions.map((q) => ({ subset: q.subset, correct: isExactMatch(alone(q.question), q.answer) }));
    for (const batchSize of [1, 2, 5]) {
      const events = await evaluate({ batchSize });
      const bySubset = new Map(events.map((e) => [e.subset ?? "all", e]));
      for (const subset of ["short", "long"]) {
        const mine = expected.filter((e) => e.subset === subset);
        expect(bySubset.get(subset)?.value, `batch ${batchSize} ${subset}`).toBe(mine.filter((e) => e.correct).length / mine.length);
      }
      const examples = (bySubset.get("short")?.details as { examples: Array<{ prompt: string; output: string }> }).examples;
      for (const example of examples) expect(example.output, `batch ${batchSize}`).toBe(alone(example.prompt));
    }
  });

  it("plugin keeps the end of a prompt longer than the context instead of failing, and counts it", async () => {
    const logs: string[] = [];
    const events = await evaluate({ batchSize: 4 }, logs);
    const bySubset = new Map(events.map((e) => [e.subset ?? "all", e]));
    expect(bySubset.get("long")?.details).toMatchObject({ samples: 2, promptsCut: 1 });
    expect(bySubset.get("short")?.details).toMatchObject({ samples: 3, promptsCut: 0 });
    expect(bySubset.get("all")?.details).toEqual({ samples: 5, promptsCut: 1 });
    expect(logs.some((l) => l.startsWith("warn 1 prompts were longer than the context (64 tokens)"))).toBe(true);
  });
});
