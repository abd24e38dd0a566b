import { definePlugin, type Sample, type Source } from "@ual/core";
import { TASK_NAMES, TESTBED_MAX_ENTROPY, testbedSamples } from "@ual/testbed";
import { sourceTestbedOptions } from "./options.ts";

/**
 * The `@ual/source-testbed` source: samples whose true answer distribution is known (issue 6) —
 * low-entropy prompts with one correct answer and high-entropy prompts with many, each with its
 * true entropy in `metadata.entropy`. Every `read` yields the same samples. Options are checked
 * when the stage is created, so a `mix` that `kinds` cannot serve fails before anything runs.
 *
 * @example
 * ```yaml
 * stages:
 *   source:
 *     use: "@ual/source-testbed"
 *     with: { count: 2000, mix: 0.5 }          # seed: the run's seed
 * ```
 */
export const plugin = definePlugin({
  name: "@ual/source-testbed",
  version: "0.1.0",
  kind: "source",
  apiVersion: 1,
  description: "Generates short instruction→answer samples with known truth: one correct answer (low entropy) or a known answer distribution (high entropy).",
  options: sourceTestbedOptions,
  create(options, ctx): Source {
    const settings = { ...options, seed: options.seed ?? ctx.seed };
    // Draw the first sample now: it runs every check of the options (e.g. mix vs kinds).
    testbedSamples(settings).next();
    let last: Record<string, number> = { read: 0 };
    return {
      async *read({ signal }): AsyncGenerator<Sample> {
        let read = 0;
        for (const sample of testbedSamples(settings)) {
          signal.throwIfAborted();
          read++;
          yield sample;
        }
        last = { read };
      },
      count: async () => settings.count,
      stats: () => ({ ...last }),
      info: () => ({
        seed: settings.seed,
        count: settings.count,
        split: settings.split,
        mix: settings.mix,
        kinds: [...(settings.kinds ?? TASK_NAMES)],
        maxEntropy: TESTBED_MAX_ENTROPY,
      }),
    };
  },
});
