import { readFile } from "node:fs/promises";
import { sha256 } from "./_sha256.ts";
import { PromptTemplateError } from "./prompt_template.ts";

/** The placeholders a judge template must contain, each exactly once. */
export const JUDGE_PLACEHOLDERS = ["{question}", "{answer_a}", "{answer_b}"] as const;

/**
 * An optional placeholder, as often as wanted: a 12-digit code derived from the question and
 * both answers, for fences an answer cannot forge (see {@linkcode renderJudgePrompt}).
 */
export const FENCE_PLACEHOLDER = "{fence}";

/** A judge prompt: its text with the placeholders, and a version for the cache key. */
export interface JudgeTemplate {
  /** `ual-judge-v1` for the built-in prompt; `file:<sha256 prefix>` for a user's template file. */
  version: string;
  text: string;
  /** Where the template came from (for messages): `built-in` or the file's path. */
  origin: string;
}

/**
 * Makes a judge template from text, checking that `{question}`, `{answer_a}` and `{answer_b}`
 * each occur exactly once: a missing one would judge without the text, a repeated one would pay
 * for it twice. `{answer_a}` is the answer shown first, whichever model wrote it.
 *
 * @example
 * ```ts
 * const template = judgeTemplateFromText("Q: {question}\nFirst: {answer_a}\nSecond: {answer_b}\n", "mine.txt");
 * template.version; // "file:…" (12 hex digits)
 * ```
 */
export function judgeTemplateFromText(text: string, origin: string, version?: string): JudgeTemplate {
  for (const placeholder of JUDGE_PLACEHOLDERS) {
    const count = text.split(placeholder).length - 1;
    if (count !== 1) {
      const hint = count === 0 && placeholder !== "{question}" && /\{answer[_ ]?[12]\}|\{(first|second)_answer\}/i.test(text) ? " (the answers' placeholders are {answer_a} for the first shown and {answer_b} for the second)" : "";
      throw new PromptTemplateError(`judge template ${origin} must contain the placeholder ${placeholder} exactly once; it has ${count === 0 ? "none" : count}${hint}`);
    }
  }
  return { version: version ?? `file:${sha256(text).slice(0, 12)}`, text, origin };
}

/**
 * Reads a user's judge template file (`promptFile:` of `@ual/eval-judge`). Its version is a
 * hash of its text, so editing the file changes every cache key and nothing stale is reused.
 *
 * @example
 * ```ts
 * const template = await loadJudgeTemplate("prompts/paper-judge.txt");
 * ```
 */
export async function loadJudgeTemplate(path: string): Promise<JudgeTemplate> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new PromptTemplateError(`cannot read judge template ${path}: ${code === "ENOENT" ? "no such file" : String(error)}`);
  }
  return judgeTemplateFromText(text, path);
}
