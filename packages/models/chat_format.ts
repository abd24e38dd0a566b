import { join } from "node:path";
import { chatTemplateOf, readJsonIfPresent } from "./_tokenizer_config.ts";

/**
 * The chat templates: `"{user}"` is replaced by the instruction; the response follows directly.
 * - `"ual"` (default): the double-newline vicuna style the reference's evaluation scripts use
 *   (spec §5.4): `"\n\n### User: {user}\n\n### Assistant: "`;
 * - `"reference-single"`: the single-newline variant of the reference's LIMA/Deita data scripts;
 * - any other string containing `{user}` is used as it is.
 */
export const CHAT_TEMPLATES = {
  ual: "\n\n### User: {user}\n\n### Assistant: ",
  "reference-single": "\n### User: {user}\n\n### Assistant: ",
} as const;

/**
 * How a dialogue becomes text:
 * - `template`: a `{user}` template of spec §5.4 — every exchange is BOS + template(user) +
 *   response + EOS (`name` is the template's name in `CHAT_TEMPLATES`, or the literal text);
 * - `hf`: a Hugging Face `chat_template` (Jinja, from `tokenizer_config.json`), rendered as
 *   `transformers`' `apply_chat_template` would, with the special tokens the template refers to.
 */
export type ChatFormat =
  | { readonly kind: "template"; readonly name: string; readonly text: string }
  | { readonly kind: "hf"; readonly chatTemplate: string; readonly bosToken: string; readonly eosToken: string };

/** A model folder's chat template and the special tokens it uses (see {@linkcode readHfChatTemplate}). */
export interface HfChatTemplateSource {
  readonly chatTemplate: string;
  readonly bosToken: string;
  readonly eosToken: string;
}

/**
 * Reads `tokenizer_config.json` in a model folder (or a trainer checkpoint, which keeps a copy)
 * for its `chat_template` and `bos_token` / `eos_token` texts. `undefined` when the folder has no
 * such file or the file has no chat template (base models usually have none). A `chat_template`
 * given as a list of named templates (as some models ship) yields the one named `default`.
 *
 * @example
 * ```ts
 * import { readHfChatTemplate } from "@ual/models";
 * const source = await readHfChatTemplate("models/Qwen2-0.5B-Instruct"); // { chatTemplate: "{% for message in messages %}…", … }
 * ```
 */
export async function readHfChatTemplate(folder: string): Promise<HfChatTemplateSource | undefined> {
  const config = await readJsonIfPresent(join(folder, "tokenizer_config.json"));
  return config === undefined ? undefined : chatTemplateOf(config);
}

/**
 * Resolves the `template` option of the trainer and the evaluators into a {@linkcode ChatFormat}:
 * - `"ual"` (spec §5.4's double newline), `"reference-single"`, or any text containing `{user}`;
 * - `"model"`: the model's own `chat_template` (`model` must have one, else an error says so);
 * - `"auto"`: the model's `chat_template` when it has one (a chat model keeps the format it was
 *   tuned with), else `"ual"` (base models, and the models UAL builds from scratch).
 *
 * @example
 * ```ts
 * import { resolveChatFormat } from "@ual/models";
 * resolveChatFormat("ual"); // { kind: "template", name: "ual", text: "\n\n### User: {user}\n\n### Assistant: " }
 * resolveChatFormat("auto", undefined).kind; // "template": no model template to use
 * ```
 */
export function resolveChatFormat(template: string | ChatFormat, model?: HfChatTemplateSource, where = "the model"): ChatFormat {
  if (typeof template !== "string") return template;
  if (template === "model" || template === "auto") {
    if (model !== undefined) return { kind: "hf", chatTemplate: model.chatTemplate, bosToken: model.bosToken, eosToken: model.eosToken };
    if (template === "model") throw new Error(`template "model": ${where} has no chat_template in tokenizer_config.json; use "ual" or a template with {user}`);
    template = "ual";
  }
  const named = (CHAT_TEMPLATES as Record<string, string>)[template];
  const text = named ?? template;
  if (!text.includes("{user}")) {
    throw new Error(
      `chat template ${JSON.stringify(template)} is neither one of ${[...Object.keys(CHAT_TEMPLATES), "model", "auto"].join(", ")} nor a template containing {user}`,
    );
  }
  return { kind: "template", name: template, text };
}

/** The name a checkpoint records for a format: the template's name, or `"model"` for a chat_template. */
export function chatFormatName(format: ChatFormat): string {
  return format.kind === "hf" ? "model" : format.name;
}
