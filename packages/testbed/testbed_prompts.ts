import { checkKinds } from "./_check_kinds.ts";
import { TASK_NAMES, taskFamilies, type TaskName } from "./task_families.ts";
import type { Split, TestbedPrompt } from "./testbed_prompt.ts";

/** Which prompts {@linkcode testbedPrompts} lists. */
export interface TestbedPromptsOptions {
  /** One split, or both when omitted. */
  split?: Split;
  /** These families only (default: all). */
  kinds?: readonly TaskName[];
}

/**
 * Every prompt of the testbed (of one split, of some families), each with its valid answers,
 * their probabilities and the entropy — what an evaluator iterates over to score each held-out
 * prompt once, instead of sampling.
 *
 * @throws {RangeError} for an unknown family name.
 *
 * @example
 * ```ts
 * const heldout = testbedPrompts({ split: "heldout", kinds: ["name-item"] });
 * heldout.length; // 8: one in five of the 40 name-item prompts
 * ```
 */
export function testbedPrompts(options: TestbedPromptsOptions = {}): TestbedPrompt[] {
  const kinds = checkKinds(options.kinds ?? TASK_NAMES);
  return taskFamilies
    .filter((family) => kinds.includes(family.name))
    .flatMap((family) => family.prompts.filter((p) => options.split === undefined || p.split === options.split));
}
