import type { TaskName } from "./task_families.ts";

/** Which half of the testbed: `low-entropy` prompts have one correct answer, `high-entropy` many. */
export type Subset = "low-entropy" | "high-entropy";

/** The training prompts, or the held-out ones (no prompt is in both). */
export type Split = "train" | "heldout";

/** One valid answer and its true probability. */
export interface AnswerProbability {
  answer: string;
  probability: number;
}

/** A prompt of the testbed with everything that is true about it. */
export interface TestbedPrompt {
  /** The user's turn, e.g. `"What is 17 + 25?"` or `"Name a fruit."`. */
  prompt: string;
  task: TaskName;
  subset: Subset;
  split: Split;
  /** How the answers are distributed: one answer, all equally likely, or Zipf (p ∝ 1/rank). */
  shape: "single" | "uniform" | "zipf";
  /** Every valid answer with its true probability (they sum to 1), most likely first. */
  answers: readonly AnswerProbability[];
  /** The true conditional entropy H(answer | prompt) in nats: 0, ln k, or the Zipf entropy. */
  entropy: number;
}
