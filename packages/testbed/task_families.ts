import {
  additionPrompts,
  firstLetterPrompts,
  nameItemPrompts,
  nextLetterPrompts,
  nextWeekdayPrompts,
  pickLetterPrompts,
  pickNumberPrompts,
  repeatWordPrompts,
  reverseWordPrompts,
  sortLettersPrompts,
  startsWithPrompts,
  type PromptDraft,
} from "./_families.ts";
import { assignSplits } from "./_split.ts";
import { entropyNats } from "./entropy_nats.ts";
import type { Subset, TestbedPrompt } from "./testbed_prompt.ts";

/** The names of the testbed's task families, low-entropy ones first. */
export const TASK_NAMES = [
  "addition",
  "reverse-word",
  "sort-letters",
  "next-weekday",
  "next-letter",
  "repeat-word",
  "first-letter",
  "name-item",
  "starts-with",
  "pick-number",
  "pick-letter",
] as const;

/** A task family's name. */
export type TaskName = (typeof TASK_NAMES)[number];

/** A family of prompts that share a task and a way of answering. */
export interface TaskFamily {
  name: TaskName;
  subset: Subset;
  /** What the task is and how its answers are distributed. */
  description: string;
  /** Every prompt of the family, both splits, each with its answers, probabilities and entropy. */
  prompts: readonly TestbedPrompt[];
}

const definitions: ReadonlyArray<[TaskName, Subset, string, () => PromptDraft[]]> = [
  ["addition", "low-entropy", 'sum of two numbers 0–49: "What is 17 + 25?" → "42"', additionPrompts],
  ["reverse-word", "low-entropy", 'a 3–5 letter word backwards: "Reverse the word cat." → "tac"', reverseWordPrompts],
  ["sort-letters", "low-entropy", 'the letters of a word in alphabetical order: "Sort the letters of dog." → "dgo"', sortLettersPrompts],
  ["next-weekday", "low-entropy", 'weekday arithmetic: "What day comes after Monday?" → "Tuesday"', nextWeekdayPrompts],
  ["next-letter", "low-entropy", 'the alphabet: "What letter comes after c?" → "d"', nextLetterPrompts],
  ["repeat-word", "low-entropy", 'copying a 3–5 letter word: "Repeat the word cat." → "cat"', repeatWordPrompts],
  ["first-letter", "low-entropy", 'the first letter of a word: "What is the first letter of cat?" → "c"', firstLetterPrompts],
  ["name-item", "high-entropy", '"Name a fruit.": Zipf (p ∝ 1/rank) over 5–12 answers, or uniform for month, weekday, season, vowel', nameItemPrompts],
  ["starts-with", "high-entropy", '"Name an animal that starts with b.": uniform over the 2–5 fitting words', startsWithPrompts],
  ["pick-number", "high-entropy", '"Pick a number from 3 to 7.": uniform over the 2–9 numbers, inclusive', pickNumberPrompts],
  ["pick-letter", "high-entropy", '"Pick a letter from c to g.": uniform over the 2–6 letters, inclusive', pickLetterPrompts],
];

/**
 * The testbed's task families with their complete prompt sets (issue 6). Low-entropy families have
 * one correct answer per prompt (H = 0); high-entropy ones a known distribution per prompt, so the
 * true H(answer | prompt) is known exactly. Every prompt text occurs in exactly one family.
 *
 * @example
 * ```ts
 * const family = taskFamilies.find((f) => f.name === "pick-number");
 * family?.prompts[0]; // { prompt: "Pick a number from 0 to 1.", entropy: 0.693…, split: …, … }
 * ```
 */
export const taskFamilies: readonly TaskFamily[] = Object.freeze(
  definitions.map(([name, subset, description, build]) => {
    const drafts = build();
    const splits = assignSplits(drafts);
    const prompts = drafts.map(
      (draft, i): TestbedPrompt =>
        Object.freeze({
          prompt: draft.prompt,
          task: name,
          subset,
          split: splits[i] as TestbedPrompt["split"],
          shape: draft.shape,
          answers: Object.freeze(draft.answers.map((a) => Object.freeze(a))),
          entropy: entropyNats(draft.answers.map((a) => a.probability)),
        }),
    );
    return Object.freeze({ name, subset, description, prompts: Object.freeze(prompts) });
  }),
);

/**
 * The largest true entropy of any testbed prompt, in nats: ln 12 ≈ 2.4849 ("Name a month.",
 * uniform over 12). The oracle estimator's default scale maps it to 99; every sample carries it as
 * `metadata.maxEntropy`.
 */
export const TESTBED_MAX_ENTROPY: number = Math.max(...taskFamilies.flatMap((family) => family.prompts.map((p) => p.entropy)));
