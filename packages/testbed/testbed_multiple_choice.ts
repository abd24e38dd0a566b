import { createRng, fnv1a } from "@ual/random";
import { checkKinds } from "./_check_kinds.ts";
import { normalizeAnswer } from "./normalize_answer.ts";
import { taskFamilies, type TaskName } from "./task_families.ts";
import type { Split, TestbedPrompt } from "./testbed_prompt.ts";

/** One multiple-choice question made from a testbed prompt. */
export interface TestbedChoiceItem {
  /** `testbed-mc-<split>-<i>`. */
  id: string;
  /** The testbed prompt, e.g. `"What is 17 + 25?"`. */
  question: string;
  /** The correct answer and the distractors, in a seeded random order. */
  choices: string[];
  /** The index of the correct answer in `choices`. */
  answer: number;
  task: TaskName;
}

/** Options of {@linkcode testbedMultipleChoice}. */
export interface TestbedMultipleChoiceOptions {
  /** Seeds the prompt order, the distractors and the position of the correct answer (default 0). */
  seed?: number;
  /** How many questions (default 100); each held-out prompt is used at most once. */
  count?: number;
  /** Choices per question, the correct one included (default 4). */
  choices?: number;
  /** The prompts to ask (default `"heldout"`, which training never shows). */
  split?: Split;
  /** Low-entropy families to draw from (default: all of them). */
  kinds?: readonly TaskName[];
}

/**
 * Multiple-choice questions from the testbed's low-entropy prompts: the one correct answer plus
 * distractors drawn from the answers of other prompts of the same family ("What is 17 + 25?" gets
 * other sums, "Reverse the word cat." other reversed words), so a distractor looks like an answer
 * and only knowing the task tells them apart. A distractor never equals the correct answer (after
 * {@linkcode normalizeAnswer}) nor another distractor. Families take turns, so the small ones
 * (weekdays, letters) are not drowned by addition; a family whose prompts run out is skipped.
 * High-entropy families are refused: many of their answers are right, so a distractor could be too.
 *
 * @throws {RangeError} for bad options, a high-entropy family, a family with fewer distinct answers
 *   than `choices`, or more questions than the split has prompts.
 *
 * @example
 * ```ts
 * const [item] = testbedMultipleChoice({ seed: 1, count: 10 });
 * item?.question;                      // e.g. "What is 31 + 8?"
 * item?.choices[item.answer];          // "39"
 * ```
 */
export function testbedMultipleChoice(options: TestbedMultipleChoiceOptions = {}): TestbedChoiceItem[] {
  const seed = options.seed ?? 0;
  const count = options.count ?? 100;
  const size = options.choices ?? 4;
  const split = options.split ?? "heldout";
  if (!Number.isSafeInteger(seed)) throw new RangeError(`testbedMultipleChoice: seed must be an integer, got ${String(seed)}`);
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`testbedMultipleChoice: count must be a non-negative integer, got ${String(count)}`);
  if (!Number.isSafeInteger(size) || size < 2) throw new RangeError(`testbedMultipleChoice: choices must be an integer ≥ 2, got ${String(size)}`);
  const lowEntropy = taskFamilies.filter((f) => f.subset === "low-entropy");
  const kinds = checkKinds(options.kinds ?? lowEntropy.map((f) => f.name));
  const families = taskFamilies.filter((f) => kinds.includes(f.name));
  for (const family of families) {
    if (family.subset !== "low-entropy") {
      throw new RangeError(`testbedMultipleChoice: ${family.name} is a high-entropy family, where a distractor could be a right answer; use ${lowEntropy.map((f) => f.name).join(", ")}`);
    }
  }

  const random = createRng(fnv1a(`ual-testbed-mc:${split}:${seed}`));
  const pools = families.map((family) => {
    const answers = uniqueAnswers(family.prompts);
    if (answers.length < size) throw new RangeError(`testbedMultipleChoice: ${family.name} has only ${answers.length} distinct answers, too few for ${size} choices`);
    return { family, answers, queue: random.shuffle(family.prompts.filter((p) => p.split === split)) };
  });
  const available = pools.reduce((n, p) => n + p.queue.length, 0);
  if (count > available) throw new RangeError(`testbedMultipleChoice: count ${count} exceeds the ${available} ${split} prompts of ${kinds.join(", ")}`);

  const items: TestbedChoiceItem[] = [];
  for (let turn = 0; items.length < count; turn++) {
    const pool = pools[turn % pools.length] as (typeof pools)[number];
    const truth = pool.queue.pop();
    if (truth === undefined) continue;
    const correct = (truth.answers[0] as TestbedPrompt["answers"][number]).answer;
    const wrong = pool.answers.filter((a) => normalizeAnswer(a) !== normalizeAnswer(correct));
    // A partial Fisher–Yates draw: size − 1 distinct distractors without shuffling the whole pool.
    const distractors: string[] = [];
    for (let i = 0; i < size - 1; i++) {
      const j = i + random.int(wrong.length - i);
      [wrong[i], wrong[j]] = [wrong[j] as string, wrong[i] as string];
      distractors.push(wrong[i] as string);
    }
    const answer = random.int(size);
    const choices = [...distractors.slice(0, answer), correct, ...distractors.slice(answer)];
    items.push({ id: `testbed-mc-${split}-${items.length}`, question: truth.prompt, choices, answer, task: pool.family.name });
  }
  return items;
}

/** The family's answers, one per normalised form, in first-seen order (deterministic). */
function uniqueAnswers(prompts: readonly TestbedPrompt[]): string[] {
  const seen = new Map<string, string>();
  for (const p of prompts) for (const { answer } of p.answers) if (!seen.has(normalizeAnswer(answer))) seen.set(normalizeAnswer(answer), answer);
  return [...seen.values()];
}
