import type { Turn } from "@ual/core";
import { CONVERSATION_PLACEHOLDER, type PromptTemplate } from "./prompt_template.ts";
import { renderConversation, type ConversationFormat } from "./render_conversation.ts";

/**
 * Fills a template with a dialogue. Only the template's own placeholder is replaced (split and
 * join, never `String.replace`, whose `$&` patterns a sample could trigger), so a sample that
 * contains "{conversation}" is copied as it is.
 *
 * @example
 * ```ts
 * const prompt = renderPrompt(RUBRIC, [{ role: "user", content: "What is 2+2?" }]);
 * ```
 */
export function renderPrompt(template: PromptTemplate, turns: readonly Turn[], format: ConversationFormat = "labelled"): string {
  const [before, after] = template.text.split(CONVERSATION_PLACEHOLDER) as [string, string];
  return `${before}${renderConversation(turns, format)}${after}`;
}
