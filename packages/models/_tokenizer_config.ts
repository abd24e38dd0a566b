import { readFile } from "node:fs/promises";
import type { HfChatTemplateSource } from "./chat_format.ts";

/** A JSON file of a model folder, or `undefined` when the folder has none; bad JSON is an error naming the file. */
export async function readJsonIfPresent(path: string): Promise<Record<string, unknown> | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`${path}: not valid JSON: ${(error as Error).message}`);
  }
}

/** A special token's text in tokenizer_config.json: a plain string or an AddedToken object's `content`. */
export function tokenText(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (value !== null && typeof value === "object" && typeof (value as { content?: unknown }).content === "string") {
    return (value as { content: string }).content;
  }
  return undefined;
}

/**
 * A tokenizer_config.json's `chat_template` with the BOS/EOS texts it refers to; a list of named
 * templates (as some models ship) yields the one named `default`. `undefined` without a template.
 */
export function chatTemplateOf(config: Record<string, unknown>): HfChatTemplateSource | undefined {
  let template = config.chat_template;
  if (Array.isArray(template)) {
    const named = template.find((t) => (t as { name?: unknown } | null)?.name === "default") as { template?: unknown } | undefined;
    template = named?.template;
  }
  if (typeof template !== "string" || template === "") return undefined;
  return { chatTemplate: template, bosToken: tokenText(config.bos_token) ?? "", eosToken: tokenText(config.eos_token) ?? "" };
}
