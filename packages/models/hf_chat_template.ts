import { Template } from "@huggingface/jinja";

/** One message of a Hugging Face chat template's `messages`. */
export interface HfChatMessage {
  role: string;
  content: string;
}

/** Options of {@linkcode renderHfChatTemplate}. */
export interface RenderHfChatTemplateOptions {
  /** Appends the assistant header, so that a model continues with its answer. Default false. */
  addGenerationPrompt?: boolean;
  /** `bos_token` as the template sees it. Default `""`. */
  bosToken?: string;
  /** `eos_token` as the template sees it. Default `""`. */
  eosToken?: string;
}

/**
 * Renders a Hugging Face `chat_template` (the Jinja string of `tokenizer_config.json`) for a
 * conversation, with the same variables `transformers`' `apply_chat_template` passes
 * (`messages`, `add_generation_prompt`, `bos_token`, `eos_token`). A template that calls
 * `raise_exception` (e.g. on roles out of order) throws with the template's own message.
 *
 * @example
 * ```ts
 * import { renderHfChatTemplate } from "@ual/models";
 *
 * renderHfChatTemplate("{% for m in messages %}<{{ m.role }}>{{ m.content }}{% endfor %}", [{ role: "user", content: "Hi" }]);
 * // "<user>Hi"
 * ```
 */
export function renderHfChatTemplate(
  template: string,
  messages: readonly HfChatMessage[],
  options: RenderHfChatTemplateOptions = {},
): string {
  let compiled: Template;
  try {
    compiled = new Template(template);
  } catch (error) {
    throw new Error(`chat_template does not parse: ${(error as Error).message}`);
  }
  try {
    return compiled.render({
      messages: messages.map((m) => ({ role: m.role, content: m.content })),
      add_generation_prompt: options.addGenerationPrompt ?? false,
      bos_token: options.bosToken ?? "",
      eos_token: options.eosToken ?? "",
    });
  } catch (error) {
    // @huggingface/jinja defines raise_exception itself; its message is the template's own.
    throw new Error(`chat_template: ${(error as Error).message}`);
  }
}
