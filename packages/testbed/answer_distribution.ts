import { taskFamilies } from "./task_families.ts";
import type { TestbedPrompt } from "./testbed_prompt.ts";

let byPrompt: Map<string, TestbedPrompt> | undefined;

/**
 * The truth about a testbed prompt: its valid answers with their probabilities, the entropy, the
 * family and the split — or `undefined` when the text is not a testbed prompt. Leading and trailing
 * whitespace is ignored. Evaluators use it for the validity of a generated answer (see
 * {@linkcode isValidAnswer}) and for the true distribution a model's is compared with (KL).
 *
 * @example
 * ```ts
 * answerDistribution("Pick a number from 1 to 4.")?.answers;
 * // [{ answer: "1", probability: 0.25 }, …, { answer: "4", probability: 0.25 }]
 * answerDistribution("What is 2 + 2?")?.entropy; // 0
 * ```
 */
export function answerDistribution(prompt: string): TestbedPrompt | undefined {
  if (byPrompt === undefined) {
    byPrompt = new Map();
    for (const family of taskFamilies) {
      for (const entry of family.prompts) {
        // A prompt in two families could have two truths; the families are built not to overlap.
        const other = byPrompt.get(entry.prompt);
        if (other !== undefined) throw new Error(`testbed prompt "${entry.prompt}" is in both ${other.task} and ${entry.task}`);
        byPrompt.set(entry.prompt, entry);
      }
    }
  }
  return byPrompt.get(prompt.trim());
}
