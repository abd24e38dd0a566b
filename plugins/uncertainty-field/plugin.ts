import { definePlugin, type OfflineEstimator, z } from "@ual/core";
import { scoreFromField } from "./score_from_field.ts";

/** The `with:` block of the `@ual/uncertainty-field` stage in a manifest. */
export const uncertaintyFieldOptions = z.strictObject({
  /** The metadata field holding the score; dotted paths reach into objects. */
  field: z.string().min(1).default("score"),
  /** `[min, max]`: scores outside become null, e.g. `[0, 99]` for the paper's scale (spec §1.2). */
  scale: z
    .tuple([z.number(), z.number()])
    .refine(([min, max]) => min < max, { message: "scale must be [min, max] with min < max" })
    .optional(),
  /** A sample without the field: `null` score (imputed by the mapper) or a failed run. */
  missing: z.enum(["null", "fail"]).default("null"),
});

/** The options of `@ual/uncertainty-field`, defaults applied. */
export type UncertaintyFieldOptions = z.output<typeof uncertaintyFieldOptions>;

/**
 * The `@ual/uncertainty-field` estimator: each sample's score is read from its metadata (see
 * {@linkcode scoreFromField}). No model, no network.
 *
 * @example
 * ```yaml
 * stages:
 *   uncertainty:
 *     use: "@ual/uncertainty-field"
 *     with: { field: ratings.gpt4, scale: [0, 99] }
 * ```
 */
export const plugin = definePlugin({
  name: "@ual/uncertainty-field",
  version: "0.1.0",
  kind: "uncertainty",
  apiVersion: 1,
  description: "Takes each sample's uncertainty score from a field of its metadata.",
  options: uncertaintyFieldOptions,
  create(options): OfflineEstimator {
    return {
      mode: "offline",
      // Reading a field costs nothing, so there is no reason to hold samples back.
      concurrency: 64,
      // `async` so that `missing: "fail"` surfaces as a rejected promise, as for any estimator.
      estimate: async (sample) => scoreFromField(sample, options),
    };
  },
});
