import { type CausalLmLike, causalLm, type ChatFormat, generate, type Tokenizer } from "@ual/models";
import { dialoguePrompt } from "./_dialogue_prompt.ts";
import type { JudgeQuestion } from "./read_questions.ts";

/** A trained model to answer with (what `loadTrainedModel` gives). */
export interface AnsweringModel {
  model: CausalLmLike;
  tokenizer: Tokenizer;
  /** The chat format the model was trained with: prompts are rendered in it. */
  template: ChatFormat;
}

/** Options of {@linkcode answerQuestions}. */
export interface AnswerQuestionsOptions {
  /** `first` (default): answer each question's first turn; `all`: every turn, in one dialogue. */
  turns?: "first" | "all";
  /** The most tokens per answer (default 256). */
  maxNewTokens?: number;
  /** 0 (default): greedy. */
  temperature?: number;
  topK?: number;
  topP?: number;
  /** Seeds the draws when temperature > 0 (default 0). */
  seed?: number;
  /** An answer ends before the first of these (default none). */
  stop?: readonly string[];
  /** Prompts generated at once (default 8). */
  batchSize?: number;
  /** Cancels between batches and between tokens. */
  signal?: AbortSignal;
}

/** The answers, one per turn, by question id, and how many prompts were cut to fit the context. */
export interface QuestionAnswers {
  answers: Map<string, string[]>;
  /** Prompts (counted per turn) longer than the context, of which only the end was kept. */
  promptsCut: number;
}

/**
 * Answers the questions of a judging run with a trained model, as `@ual/eval-judge` does when it
 * has no `responses:` file (spec §6.4 judges answers to MT-bench's questions; here the model the
 * run trained writes them). Each turn's prompt is the dialogue so far in the model's chat format
 * (`renderChat`'s, so later turns see the model's own earlier answers), prompts are generated in
 * batches of similar length (a left-padded batch can only grow as far as its longest prompt leaves
 * room for), and a prompt as long as the context keeps its end. Greedy answers equal what
 * `generate` gives each prompt alone; sampled ones also depend on `batchSize` (one seeded stream
 * per batch), so keep it fixed to reproduce them.
 *
 * @example
 * ```ts
 * const { model, tokenizer, template } = await loadTrainedModel(artifacts.model);
 * const { answers } = answerQuestions({ model, tokenizer, template }, questions, { maxNewTokens: 128 });
 * answers.get("81"); // ["Aloha! …"]
 * ```
 */
export function answerQuestions(trained: AnsweringModel, questions: readonly JudgeQuestion[], options: AnswerQuestionsOptions = {}): QuestionAnswers {
  const { tokenizer, template } = trained;
  const { contextLength } = causalLm(trained.model).config;
  const batchSize = options.batchSize ?? 8;
  const answers = new Map<string, string[]>(questions.map((q) => [q.id, []]));
  const rounds = options.turns === "all" ? Math.max(0, ...questions.map((q) => q.turns.length)) : 1;
  let promptsCut = 0;
  for (let turn = 0; turn < rounds; turn++) {
    const items = questions
      .filter((q) => q.turns.length > turn)
      .map((q, order) => {
        const whole = dialoguePrompt(q.turns.slice(0, turn + 1), answers.get(q.id) as string[], tokenizer, template);
        const cut = whole.length >= contextLength;
        // Room for at least one new token; the end holds the last question and the assistant header.
        return { id: q.id, ids: cut ? whole.slice(-(contextLength - 1)) : whole, cut, order };
      });
    promptsCut += items.filter((item) => item.cut).length;
    const byLength = [...items].sort((a, b) => a.ids.length - b.ids.length || a.order - b.order);
    for (let start = 0; start < byLength.length; start += batchSize) {
      options.signal?.throwIfAborted();
      const chunk = byLength.slice(start, start + batchSize);
      const generated = generate(
        trained.model,
        tokenizer,
        chunk.map((item) => item.ids),
        {
          maxNewTokens: options.maxNewTokens ?? 256,
          ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
          ...(options.topK !== undefined ? { topK: options.topK } : {}),
          ...(options.topP !== undefined ? { topP: options.topP } : {}),
          ...(options.seed !== undefined ? { seed: options.seed } : {}),
          ...(options.stop !== undefined ? { stop: options.stop } : {}),
          ...(options.signal !== undefined ? { signal: options.signal } : {}),
        },
      );
      chunk.forEach((item, i) => (answers.get(item.id) as string[]).push(generated[i]?.text ?? ""));
    }
  }
  return { answers, promptsCut };
}
