import { type ChatFormat, resolveChatFormat } from "./chat_format.ts";
import { renderHfChatTemplate } from "./hf_chat_template.ts";
import { renderChat } from "./render_chat.ts";
import type { Tokenizer } from "./tokenizer.ts";

/**
 * The token ids a model trained with `renderChat` sees before its answer: BOS, then the user's
 * text in the chat template (spec §5.4) — or, for a model's own chat_template, the dialogue
 * rendered with the generation prompt. Generation and scoring start from here, so that they
 * condition on exactly what training did.
 *
 * @example
 * ```ts
 * import { chatPrompt, createByteTokenizer } from "@ual/models";
 * const ids = chatPrompt("Name a fruit.", createByteTokenizer()); // [bos, …"\n\n### User: Name a fruit.\n\n### Assistant: "]
 * ```
 */
export function chatPrompt(user: string, tokenizer: Tokenizer, template: string | ChatFormat = "ual"): number[] {
  const format = resolveChatFormat(template);
  if (format.kind === "template") return [tokenizer.bos, ...tokenizer.encode(format.text.replace("{user}", user))];
  // A chat template writes its own BOS, if the model wants one.
  const text = renderHfChatTemplate(format.chatTemplate, [{ role: "user", content: user }], { addGenerationPrompt: true, bosToken: format.bosToken, eosToken: format.eosToken });
  return tokenizer.encode(text);
}

/** A prompt and the answer after it, as token ids (see {@linkcode chatAnswer}). */
export interface ChatAnswer {
  prompt: number[];
  continuation: number[];
}

/**
 * A question and its answer tokenized exactly as `renderChat` tokenizes them for training: the
 * prompt {@linkcode chatPrompt} gives, and the answer with the end tokens the model learned to
 * write after it (EOS for a `{user}` template; the chat_template's end-of-turn text, and EOS if it
 * writes none, for a model's own template). Scoring an answer's likelihood starts from here.
 *
 * @example
 * ```ts
 * import { chatAnswer, createByteTokenizer } from "@ual/models";
 * const { prompt, continuation } = chatAnswer("Name a fruit.", "apple", createByteTokenizer()); // continuation: "apple" + EOS
 * ```
 */
export function chatAnswer(user: string, answer: string, tokenizer: Tokenizer, template: string | ChatFormat = "ual"): ChatAnswer {
  const { inputIds, labels } = renderChat(
    [
      { role: "user", content: user },
      { role: "assistant", content: answer },
    ],
    tokenizer,
    { template },
  );
  const first = labels.findIndex((label) => label !== -1);
  return { prompt: Array.from(inputIds.subarray(0, first)), continuation: Array.from(inputIds.subarray(first)) };
}
