import { readFile } from "node:fs/promises";
import { sha256 } from "./_sha256.ts";

/** The placeholder a template must contain once; the rendered dialogue replaces it. */
export const CONVERSATION_PLACEHOLDER = "{conversation}";

/** A rating prompt: its text with a `{conversation}` placeholder, and a version for the cache key. */
export interface PromptTemplate {
  /** `ual-rubric-v1` for the built-in rubric; `file:<sha256 prefix>` for a user's template file. */
  version: string;
  text: string;
  /** Where the template came from (for messages): `built-in` or the file's path. */
  origin: string;
}

/**
 * A template that cannot be used; the message says what is wrong and where.
 *
 * @example
 * ```ts
 * try { await loadPromptTemplate(path); } catch (e) { if (e instanceof PromptTemplateError) console.error(e.message); }
 * ```
 */
export class PromptTemplateError extends Error {
  override name = "PromptTemplateError";
}

/**
 * Makes a template from text, checking that it holds the `{conversation}` placeholder exactly
 * once (a template without it would rate nothing; one with two would pay for the dialogue twice).
 *
 * @example
 * ```ts
 * const template = promptTemplateFromText("Rate 0-99:\n{conversation}\n", "my.txt");
 * template.version; // "file:1a2b3c4d5e6f"
 * ```
 */
export function promptTemplateFromText(text: string, origin: string, version?: string): PromptTemplate {
  const count = text.split(CONVERSATION_PLACEHOLDER).length - 1;
  if (count !== 1) {
    const found = count === 0 ? "has none" : `has ${count}`;
    const hint = count === 0 && text.includes("{example}") ? ' (the reference script calls it "{example}"; rename it)' : "";
    throw new PromptTemplateError(`prompt template ${origin} must contain the placeholder ${CONVERSATION_PLACEHOLDER} exactly once; it ${found}${hint}`);
  }
  return { version: version ?? `file:${sha256(text).slice(0, 12)}`, text, origin };
}

/**
 * Reads a user's template file (`promptFile:` in a manifest). Its version is a hash of its
 * text, so editing the file changes every cache key and nothing stale is reused.
 *
 * @example
 * ```ts
 * const template = await loadPromptTemplate("prompts/paper.txt");
 * ```
 */
export async function loadPromptTemplate(path: string): Promise<PromptTemplate> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new PromptTemplateError(`cannot read prompt template ${path}: ${code === "ENOENT" ? "no such file" : String(error)}`);
  }
  return promptTemplateFromText(text, path);
}
