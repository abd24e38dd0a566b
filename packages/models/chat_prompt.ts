import { resolveChatTemplate } from "./render_chat.ts";
import type { Tokenizer } from "./tokenizer.ts";

/**
 * The token ids a model trained with {@linkcode renderChat} sees before its answer: BOS, then the
 * user's text in the chat template (spec §5.4). Generation and scoring start from here, so that
 * they condition on exactly what training did.
 *
 * @example
 * ```ts
 * import { chatPrompt, createByteTokenizer } from "@ual/models";
 * const ids = chatPrompt("Name a fruit.", createByteTokenizer()); // [bos, …"\n\n### User: Name a fruit.\n\n### Assistant: "]
 * ```
 */
export function chatPrompt(user: string, tokenizer: Tokenizer, template = "ual"): number[] {
  return [tokenizer.bos, ...tokenizer.encode(resolveChatTemplate(template).replace("{user}", user))];
}
