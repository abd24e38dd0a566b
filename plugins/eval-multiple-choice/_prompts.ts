import { chatAnswer, chatPrompt, type Tokenizer } from "@ual/models";
import type { MultipleChoiceItem } from "./multiple_choice_item.ts";

/** The chat template a checkpoint was trained with, as `chatPrompt` takes it (a name, a `{user}` template or a resolved format). */
export type ChatTemplate = Parameters<typeof chatPrompt>[2];

/** How a question is put to the model: raw text after BOS (the benchmarks' way), or as a chat user turn. */
export type PromptStyle = "raw" | "chat";

/** One choice as a teacher-forced continuation, with the text its length is counted on (the choice itself, without the delimiter). */
export interface ChoiceContinuation {
  prompt: number[];
  continuation: number[];
  text: string;
}

/**
 * The loglik method's prompt and continuation for each choice. `raw` follows lm-eval-harness:
 * "Question: …\nAnswer:" then " choice" (a continuation item: the context, then " ending").
 * `chat` asks the question as the user's turn and scores the choice as the assistant's answer,
 * EOS included as in training, so that "4" is not favoured over "42" for being its prefix.
 */
export function choiceContinuations(item: MultipleChoiceItem, style: PromptStyle, tokenizer: Tokenizer, template: ChatTemplate): ChoiceContinuation[] {
  if (style === "chat") {
    return item.choices.map((choice) => ({ ...chatAnswer(item.question, choice, tokenizer, template), text: choice }));
  }
  const prompt = [tokenizer.bos, ...tokenizer.encode(item.kind === "continuation" ? item.question : `Question: ${item.question}\nAnswer:`)];
  // The harness's target delimiter " " precedes the choice in the continuation, but acc_norm counts only the choice's characters.
  return item.choices.map((choice) => ({ prompt, continuation: tokenizer.encode(` ${choice}`), text: choice }));
}

/**
 * The letter method's prompt ids: BOS and the raw text (as the reference, which adds BOS), or the
 * text as a chat user turn; then only the last `maxTokens` kept, as the reference truncates to 512
 * (which drops BOS from a long prompt, as there).
 */
export function letterPromptIds(text: string, style: PromptStyle, tokenizer: Tokenizer, template: ChatTemplate, maxTokens: number): number[] {
  const ids = style === "chat" ? chatPrompt(text, tokenizer, template) : [tokenizer.bos, ...tokenizer.encode(text)];
  return ids.slice(-maxTokens);
}
