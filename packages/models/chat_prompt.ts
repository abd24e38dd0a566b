import { type ChatFormat, resolveChatFormat } from "./chat_format.ts";
import { renderHfChatTemplate } from "./hf_chat_template.ts";
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
