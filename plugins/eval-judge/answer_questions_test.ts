import { chatPrompt, createByteTokenizer, createGpt2, type Gpt2Model, generate, renderChat, resolveChatFormat } from "@ual/models";
import { selectBackend } from "@ual/nn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answerQuestions } from "./answer_questions.ts";
import type { JudgeQuestion } from "./read_questions.ts";

const CONTEXT = 96;
const NEW = 6;
const tokenizer = createByteTokenizer();
const template = resolveChatFormat("ual");
let model: Gpt2Model;

const questions: JudgeQuestion[] = [
  { id: "1", turns: ["Name a fruit.", "And a vegetable?"] },
  { id: "2", turns: ["What is 2 + 2?"] },
  { id: "3", turns: [`Too long for the context: ${"word ".repeat(20)}`, "Shorter now."] },
  { id: "4", turns: ["Hi", "Bye"] },
];

beforeAll(async () => {
  await selectBackend("wasm");
  model = createGpt2({ vocabSize: tokenizer.vocabSize, contextLength: CONTEXT, dModel: 16, layers: 1, heads: 2 }, { seed: 5 });
});
afterAll(() => model.dispose());

/** What the model says after these prompt ids on their own, their end kept when they are too long. */
function alone(ids: readonly number[]): string {
  return generate(model, tokenizer, [ids.length >= CONTEXT ? ids.slice(-(CONTEXT - 1)) : ids], { maxNewTokens: NEW })[0]!.text;
}

describe("answerQuestions", () => {
  it("answerQuestions() answers each question's first turn as generate() does alone, in any batch", () => {
    const expected = questions.map((q) => alone(chatPrompt(q.turns[0]!, tokenizer, template)));
    // Not a vacuous check: the model says something, and not the same thing to every question.
    expect(expected.every((text) => text.length > 0)).toBe(true);
    expect(new Set(expected).size).toBeGreaterThan(1);
    for (const batchSize of [1, 3, 4]) {
      const { answers, promptsCut } = answerQuestions({ model, tokenizer, template }, questions, { maxNewTokens: NEW, batchSize });
      expect(questions.map((q) => answers.get(q.id)), `batch ${batchSize}`).toEqual(expected.map((text) => [text]));
      expect(promptsCut).toBe(1);
    }
  });

  it("answerQuestions() with turns: all answers later turns after the dialogue so far, rendered as renderChat() trains on it, with the model's own answers", () => {
    const { answers, promptsCut } = answerQuestions({ model, tokenizer, template }, questions, { turns: "all", maxNewTokens: NEW, batchSize: 2 });
    let tooLong = 0;
    for (const q of questions) {
      const prompt = chatPrompt(q.turns[0]!, tokenizer, template);
      if (prompt.length >= CONTEXT) tooLong++;
      const first = alone(prompt);
      const got = answers.get(q.id)!;
      expect(got, q.id).toHaveLength(q.turns.length);
      expect(got[0]).toBe(first);
      if (q.turns.length > 1) {
        // The first exchange as training renders it (BOS + template + answer + EOS), then the second question.
        const history = renderChat([{ role: "user", content: q.turns[0]! }, { role: "assistant", content: first }], tokenizer, { template }).inputIds;
        const second = [...history, ...chatPrompt(q.turns[1]!, tokenizer, template)];
        if (second.length >= CONTEXT) tooLong++;
        expect(got[1], q.id).toBe(alone(second));
      }
    }
    // Question 3's first turn, and second turns that carry a long first exchange, keep their end.
    expect(tooLong).toBeGreaterThanOrEqual(2);
    expect(promptsCut).toBe(tooLong);
  });

  it("answerQuestions() stops at a stop text and honours an aborted signal", () => {
    const { answers } = answerQuestions({ model, tokenizer, template }, questions.slice(0, 1), { maxNewTokens: NEW });
    const text = answers.get("1")![0]!;
    const stop = text.slice(2, 3);
    const cut = answerQuestions({ model, tokenizer, template }, questions.slice(0, 1), { maxNewTokens: NEW, stop: [stop] }).answers.get("1")![0]!;
    expect(cut).toBe(text.slice(0, text.indexOf(stop)));
    const controller = new AbortController();
    controller.abort(new Error("stopped"));
    expect(() => answerQuestions({ model, tokenizer, template }, questions, { signal: controller.signal })).toThrow("stopped");
  });
});
