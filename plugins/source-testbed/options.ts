import { z } from "@ual/core";
import { TASK_NAMES } from "@ual/testbed";

/** The `with:` block of the `@ual/source-testbed` stage in a manifest. */
export const sourceTestbedOptions = z.strictObject({
  /** Seeds the draws; default: the run's seed (`run.seed`), so a seed sweep varies the data too. */
  seed: z.int().optional(),
  /** How many samples each pass yields. */
  count: z.int().min(0).default(1000),
  /** `train` or `heldout`: the two share no prompt. */
  split: z.enum(["train", "heldout"]).default("train"),
  /** The share of high-entropy samples. */
  mix: z.number().min(0).max(1).default(0.5),
  /** The task families to draw from; default all. */
  kinds: z.array(z.enum(TASK_NAMES)).min(1).optional(),
});

/** The options of `@ual/source-testbed`, defaults applied. */
export type SourceTestbedOptions = z.output<typeof sourceTestbedOptions>;
