import type { Sample } from "@ual/core";
import { createRng, fnv1a, type Rng } from "@ual/random";
import { TASK_NAMES, TESTBED_MAX_ENTROPY, taskFamilies, type TaskFamily, type TaskName } from "./task_families.ts";
import { checkKinds } from "./_check_kinds.ts";
import type { Split, Subset, TestbedPrompt } from "./testbed_prompt.ts";

/** Options of {@linkcode generateTestbed}; the plugin's `with:` block has the same fields. */
export interface TestbedOptions {
  /** Seeds the draws (default 0; the plugin defaults to the run's seed). */
  seed?: number;
  /** How many samples (default 1000). */
  count?: number;
  /** Draw from the training prompts or the held-out ones (default `"train"`). */
  split?: Split;
  /** The share of high-entropy samples, 0–1 (default 0.5); the count is rounded to the nearest integer. */
  mix?: number;
  /** Which task families to draw from (default: all of {@linkcode TASK_NAMES}). */
  kinds?: readonly TaskName[];
}

/**
 * The testbed's samples, generated one at a time (a source must stream). Each sample is drawn as:
 * its subset (exactly round(count·mix) high-entropy samples, in random positions), a family of that
 * subset uniformly among `kinds`, a prompt of that family's split uniformly, and the answer from
 * the prompt's true distribution. The same options give the same samples, on any machine.
 *
 * Each sample's metadata holds the truth: `subset`, `task`, `split`, `entropy` (nats), `shape`,
 * `answers` (every valid answer with its probability) and `maxEntropy` (the largest entropy in the
 * testbed, for scaling).
 *
 * @throws {RangeError} for bad options, or when `mix` asks for a subset `kinds` has no family of.
 *
 * @example
 * ```ts
 * for (const sample of testbedSamples({ seed: 1, count: 2 })) console.log(sample.turns[0]?.content, sample.metadata.entropy);
 * ```
 */
export function* testbedSamples(options: TestbedOptions = {}): Generator<Sample, void, undefined> {
  const { seed, count, split, mix, kinds } = checkOptions(options);
  const families = taskFamilies.filter((family) => kinds.includes(family.name));
  const bySubset: Record<Subset, Array<{ family: TaskFamily; prompts: TestbedPrompt[] }>> = { "low-entropy": [], "high-entropy": [] };
  for (const family of families) {
    bySubset[family.subset].push({ family, prompts: family.prompts.filter((p) => p.split === split) });
  }
  const high = Math.round(count * mix);
  for (const [subset, needed] of [["high-entropy", high], ["low-entropy", count - high]] as const) {
    if (needed > 0 && bySubset[subset].length === 0) {
      const offer = families.length === 0 ? "" : ` (kinds has only ${families[0]?.subset} families)`;
      throw new RangeError(
        `testbed: mix ${mix} asks for ${needed} ${subset} samples but kinds names no ${subset} family${offer}; ` +
          `add one of ${taskFamilies.filter((f) => f.subset === subset).map((f) => f.name).join(", ")}, or set mix to ${subset === "high-entropy" ? 0 : 1}`,
      );
    }
  }

  // Train and held-out draw from separate streams, so that changing one split's count leaves the
  // other's samples alone.
  const random = createRng(fnv1a(`ual-testbed:${split}:${seed}`));
  let highLeft = high;
  for (let i = 0; i < count; i++) {
    // Selection sampling: exactly `high` of the `count` positions, each set of positions equally likely.
    const isHigh = random.float() * (count - i) < highLeft;
    if (isHigh) highLeft--;
    const choices = bySubset[isHigh ? "high-entropy" : "low-entropy"];
    const { prompts } = choices[random.int(choices.length)] as (typeof choices)[number];
    const truth = prompts[random.int(prompts.length)] as TestbedPrompt;
    yield {
      id: `testbed-${split}-${i}`,
      turns: [
        { role: "user", content: truth.prompt },
        { role: "assistant", content: drawAnswer(truth, random) },
      ],
      metadata: {
        subset: truth.subset,
        task: truth.task,
        split,
        entropy: truth.entropy,
        maxEntropy: TESTBED_MAX_ENTROPY,
        shape: truth.shape,
        answers: truth.answers.map(({ answer, probability }) => ({ answer, probability })),
      },
    };
  }
}

/**
 * {@linkcode testbedSamples} collected into an array.
 *
 * @example
 * ```ts
 * const train = generateTestbed({ seed: 1, count: 1000 });
 * const heldout = generateTestbed({ seed: 1, count: 200, split: "heldout" });
 * train[0]?.turns; // [{ role: "user", content: "Choose a number between 4 and 11." }, { role: "assistant", content: "9" }]
 * train[0]?.metadata.entropy; // 2.0794… (= ln 8)
 * ```
 */
export function generateTestbed(options: TestbedOptions = {}): Sample[] {
  return [...testbedSamples(options)];
}

function drawAnswer(truth: TestbedPrompt, random: Rng): string {
  let u = random.float();
  for (const { answer, probability } of truth.answers) {
    u -= probability;
    if (u < 0) return answer;
  }
  // Rounding can leave u a hair above 0 after the last answer.
  return (truth.answers[truth.answers.length - 1] as TestbedPrompt["answers"][number]).answer;
}

function checkOptions(options: TestbedOptions): Required<TestbedOptions> {
  const seed = options.seed ?? 0;
  const count = options.count ?? 1000;
  const split = options.split ?? "train";
  const mix = options.mix ?? 0.5;
  if (!Number.isSafeInteger(seed)) throw new RangeError(`testbed: seed must be an integer, got ${String(seed)}`);
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`testbed: count must be a non-negative integer, got ${String(count)}`);
  if (split !== "train" && split !== "heldout") throw new RangeError(`testbed: split must be "train" or "heldout", got ${JSON.stringify(split)}`);
  if (!(mix >= 0 && mix <= 1)) throw new RangeError(`testbed: mix must be a share from 0 to 1, got ${String(mix)}`);
  const kinds = checkKinds(options.kinds ?? TASK_NAMES);
  if (kinds.length === 0) throw new RangeError(`testbed: kinds is empty; name at least one of ${TASK_NAMES.join(", ")}`);
  return { seed, count, split, mix, kinds };
}
