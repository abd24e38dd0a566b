import { choiceLetter } from "./choice_letter.ts";
import type { MultipleChoiceItem } from "./multiple_choice_item.ts";

/**
 * The raw-text prompt of the letter method, laid out as the reference's Best-of-N prompt (spec
 * §6.1): one instruction line, then per question a `# Question:` (for a continuation item,
 * `# Context:`) section, a `# Choices:` section listing `A. …`, `B. …`, and `# Answer:` followed by
 * a newline, where the model's first token should be the letter. Each demonstration (k-shot) is
 * the same block followed by its right letter and a newline. The instruction's wording is ours.
 *
 * @example
 * ```ts
 * letterPrompt({ id: "1", subset: "s", kind: "question", question: "2+2?", choices: ["3", "4"], answer: 1 });
 * // "Answer the multiple-choice question below with the letter of the correct choice.\n\n# Question:\n2+2?\n\n# Choices:\nA. 3\nB. 4\n\n# Answer:\n"
 * ```
 */
export function letterPrompt(item: MultipleChoiceItem, demonstrations: readonly MultipleChoiceItem[] = []): string {
  const instruction =
    item.kind === "continuation"
      ? "Choose the most sensible continuation of the context below and answer with its letter."
      : `Answer the multiple-choice question${demonstrations.length > 0 ? "s" : ""} below with the letter of the correct choice.`;
  return `${instruction}\n${demonstrations.map((d) => `${block(d)}${choiceLetter(d.answer)}\n`).join("")}${block(item)}`;
}

function block(item: MultipleChoiceItem): string {
  const header = item.kind === "continuation" ? "# Context:" : "# Question:";
  const choices = item.choices.map((c, i) => `${choiceLetter(i)}. ${c}\n`).join("");
  return `\n${header}\n${item.question}\n\n# Choices:\n${choices}\n# Answer:\n`;
}
