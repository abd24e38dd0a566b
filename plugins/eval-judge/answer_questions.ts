import { type CausalLmLike, type ChatFormat, generateInBatches, type GenerateInBatchesOptions, type Tokenizer } from "@ual/models";
import { dialoguePrompt } from "./_dialogue_prompt.ts";
import type { JudgeQuestion } from "./read_questions.ts";

/** A trained model to answer with (what `loadTrainedModel` gives). */
export interface AnsweringModel {
  model: CausalLmLike;
  tokenizer: Tokenizer;
  /** The chat format the model was trained with: prompts are rendered in it. */
  template: ChatFormat;
}

/** Options of {@linkcode answerQuestions}: `generateInBatches`' (`maxNewTokens` defaults to 256 here), and which turns. */
export interface AnswerQuestionsOptions extends GenerateInBatchesOptions {
  /** `first` (default): answer each question's first turn; `all`: every turn, in one dialogue. */
  turns?: "first" | "all";
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
 * (`renderChat`'s, so later turns see the model's own earlier answers), continued by
 * `generateInBatches` (batches of similar length; a prompt as long as the context keeps its end).
 * Greedy answers equal what `generate` gives each prompt alone; sampled ones also depend on
 * `batchSize` (one seeded stream per batch), so keep it fixed to reproduce them.
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
  const { turns, maxNewTokens = 256, ...generation } = options;
  const answers = new Map<string, string[]>(questions.map((q) => [q.id, []]));
  const rounds = turns === "all" ? Math.max(0, ...questions.map((q) => q.turns.length)) : 1;
  let promptsCut = 0;
  for (let turn = 0; turn < rounds; turn++) {
    const asked = questions.filter((q) => q.turns.length > turn);
    const { generations, cut } = generateInBatches(
      trained.model,
      tokenizer,
      asked.map((q) => dialoguePrompt(q.turns.slice(0, turn + 1), answers.get(q.id) as string[], tokenizer, template)),
      { ...generation, maxNewTokens },
    );
    promptsCut += cut.filter(Boolean).length;
    asked.forEach((q, i) => (answers.get(q.id) as string[]).push(generations[i]?.text ?? ""));
  }
  return { answers, promptsCut };
}
