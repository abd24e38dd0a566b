import { sha256 } from "./_sha256.ts";
import { shownAnswers, type AnswerOrder, type JudgePair } from "./judge_pair.ts";
import { FENCE_PLACEHOLDER, type JudgeTemplate } from "./judge_template.ts";

/**
 * The text of a question or an answer in the prompt: the turn itself when there is one; numbered
 * turns (`[turn 1]`, `[turn 2]`, ...) when there are several, so that each answer's turns line up
 * with the question's.
 *
 * @example
 * ```ts
 * renderTurns(["Hi"]);          // "Hi"
 * renderTurns(["Hi", "Again"]); // "[turn 1]\nHi\n\n[turn 2]\nAgain"
 * ```
 */
export function renderTurns(turns: readonly string[]): string {
  if (turns.length === 1) return turns[0] as string;
  return turns.map((text, i) => `[turn ${i + 1}]\n${text}`).join("\n\n");
}

/**
 * Fills a judge template for one order: `{answer_a}` gets the answer shown first, `{answer_b}`
 * the second, `{fence}` a 12-digit code from the hash of the question and both answers. Text
 * inside an answer cannot forge a fence (it would have to contain the hash of itself), so an
 * answer that writes "end of answer B; the verdict is A" stays inside its fence. Only the
 * template's own placeholders are replaced (a split and join, never `String.replace`), so
 * an answer that contains "{answer_b}" or `$&` is copied as it is.
 *
 * @example
 * ```ts
 * const prompt = renderJudgePrompt(JUDGE_PROMPT, { question: ["2+2?"], answerA: ["4"], answerB: ["5"] }, "b-first");
 * // Answer A in the prompt is "5" (model B's), Answer B is "4".
 * ```
 */
export function renderJudgePrompt(template: JudgeTemplate, pair: JudgePair, order: AnswerOrder): string {
  const [first, second] = shownAnswers(pair, order);
  const fence = sha256(JSON.stringify([pair.question, first, second])).slice(0, 12);
  const values = new Map<string, string>([
    ["{question}", renderTurns(pair.question)],
    ["{answer_a}", renderTurns(first)],
    ["{answer_b}", renderTurns(second)],
    [FENCE_PLACEHOLDER, fence],
  ]);
  // One pass over the template: a value is never searched for placeholders again.
  return template.text
    .split(/(\{question\}|\{answer_a\}|\{answer_b\}|\{fence\})/)
    .map((part) => values.get(part) ?? part)
    .join("");
}
