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

async function evaluate(logs: string[], data: unknown = { jsonl: "heldout.jsonl" }): Promise<Array<Extract<EventDraft, { type: "eval" }>>> {
  const logger = createLogger((level, message) => logs.push(`${level} ${message}`));
  const evaluator = await usePlugin(plugin, { backend: "wasm", data }, { baseDir: dir, logger });
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

  it("plugin scores raw text after BOS with no template or EOS, per subset and without a total", async () => {
    const long = "the whale ".repeat(8);
    const lines = [
      { text: "Call me Ishmael." },
      { text: "It is a way I have." },
      { context: "Mr. Speaker,", continuation: " the Union is strong.", subset: "sotu" },
      { text: long, subset: "long" },
    ];
    writeFileSync(join(dir, "raw.jsonl"), lines.map((l) => JSON.stringify(l)).join("\n"));
    const logs: string[] = [];
    const events = await evaluate(logs, { text: "raw.jsonl" });
    expect(events.map((e) => e.subset)).toEqual(["base-text", "long", "sotu"]);
    const score = (prompt: number[], text: string, keep = Infinity) => {
      const [s] = scoreContinuations(model, [{ prompt, continuation: tokenizer.encode(text).slice(0, keep) }]);
      return s!;
    };
    const a = score([tokenizer.bos], "Call me Ishmael.");
    const b = score([tokenizer.bos], "It is a way I have.");
    expect(events[0]?.value).toBeCloseTo(-(a.logProb + b.logProb) / (a.tokens + b.tokens), 5);
    expect(a.tokens).toBe("Call me Ishmael.".length); // every byte scored, no EOS
    const c = score([tokenizer.bos, ...tokenizer.encode("Mr. Speaker,")], " the Union is strong.");
    expect(events[2]?.value).toBeCloseTo(-c.logProb / c.tokens, 5);
    const d = score([tokenizer.bos], long, CONTEXT - 1);
    expect(events[1]?.value).toBeCloseTo(-d.logProb / d.tokens, 5);
    expect(events[1]?.details).toMatchObject({ samples: 1, answerTruncated: 1 });
    expect(logs).toEqual([expect.stringMatching(/1 of 4 texts are longer than the context of 48 tokens/)]);
  });

  it("plugin names the raw-text file and line it cannot read", async () => {
    writeFileSync(join(dir, "bad.jsonl"), `${JSON.stringify({ text: "ok" })}\n${JSON.stringify({ question: "q", answer: "a" })}\n`);
    await expect(evaluate([], { text: "bad.jsonl" })).rejects.toThrow(/bad\.jsonl:2: expected one JSON object per line/);
  });
});
