import { fnv1a } from "@ual/random";
import type { Split } from "./testbed_prompt.ts";

/** One prompt in five is held out. */
const HELDOUT_EVERY = 5;

/** A prompt's text and, for paraphrases of one question, the key they share. */
export interface SplitInput {
  prompt: string;
  /** Prompts with the same group ask the same thing in other words ("Name a fruit." / "Give me a fruit."). */
  group?: string;
}

/**
 * Assigns each prompt of one task family to a split: the prompts are ordered by a hash of their
 * text and every fifth is held out — except that the last training phrasing of a group is never
 * taken (the next prompt is held out instead), so that every held-out paraphrase asks for a
 * distribution the model could have learned from other words. The split is a fixed function of
 * the prompt set — the same for every seed and run —, one in five of each family is held out
 * (rounded up), and held-out prompts are spread over the family instead of forming a block.
 */
export function assignSplits(prompts: readonly SplitInput[]): Split[] {
  const order = prompts.map((input, index) => ({ index, ...input, hash: fnv1a(input.prompt) }));
  order.sort((a, b) => a.hash - b.hash || (a.prompt < b.prompt ? -1 : a.prompt > b.prompt ? 1 : 0));
  const trainLeft = new Map<string, number>();
  for (const { group } of prompts) if (group !== undefined) trainLeft.set(group, (trainLeft.get(group) ?? 0) + 1);

  const target = Math.ceil(prompts.length / HELDOUT_EVERY);
  const splits = new Array<Split>(prompts.length).fill("train");
  let held = 0;
  const holdOut = (index: number, group: string | undefined): boolean => {
    const left = group === undefined ? Infinity : (trainLeft.get(group) as number);
    if (left <= 1) return false;
    splits[index] = "heldout";
    held++;
    if (group !== undefined) trainLeft.set(group, left - 1);
    return true;
  };
  order.forEach(({ index, group }, rank) => {
    if (held < Math.min(target, Math.floor(rank / HELDOUT_EVERY) + 1)) holdOut(index, group);
  });
  // Prompts skipped near the end leave the quota short; fill it from the start of the order.
  for (const { index, group } of order) {
    if (held >= target) break;
    if (splits[index] === "train") holdOut(index, group);
  }
  return splits;
}
