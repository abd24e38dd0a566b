import { createRng, fnv1a } from "@ual/random";
import type { MultipleChoiceItem } from "./multiple_choice_item.ts";

/**
 * The item with its choices in a seeded random order and `answer` following the right one.
 * TruthfulQA lists the right answer first, so unshuffled its gold letter is always A and a model
 * that likes "A" looks truthful (spec §6.1 pitfall, §8 item 10). The order depends only on the
 * seed and the item's question and choices, not on which other items are in the file.
 *
 * @example
 * ```ts
 * const item = { id: "t:1", subset: "t", question: "?", kind: "question", choices: ["right", "w1", "w2"], answer: 0 } as const;
 * const shuffled = shuffleChoices({ ...item, choices: [...item.choices] }, 0);
 * shuffled.choices[shuffled.answer]; // "right"
 * ```
 */
export function shuffleChoices<T extends Pick<MultipleChoiceItem, "question" | "choices" | "answer">>(item: T, seed: number): T {
  const rng = createRng(fnv1a(`${seed}\u0000${item.question}\u0000${item.choices.join("\u0000")}`));
  const order = Array.from(rng.permutation(item.choices.length));
  return { ...item, choices: order.map((i) => item.choices[i] as string), answer: order.indexOf(item.answer) };
}
