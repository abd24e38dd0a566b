import { z } from "zod";
import { DEFAULT_ALPHA, DEFAULT_CAP, DEFAULT_GAMMA } from "./defaults.ts";

/** The target mean ε over the samples, α (spec §2.1: 0.1 for Deita-6k, 0.3 for LIMA). */
export const alphaOption = z.number().min(0).max(0.99).default(DEFAULT_ALPHA);

/** The largest allowed ε, v_t (spec §2.1). */
export const capOption = z.number().gt(0).max(1).default(DEFAULT_CAP);

/** How β is found: `exact` (spec §2.3, the default) or the reference loop `iterative` (spec §2.2). */
export const solverOption = z.enum(["exact", "iterative"]).default("exact");

/** The exponent of the power mapping. */
export const gammaOption = z.number().positive().default(DEFAULT_GAMMA);

/**
 * Adds the check every options schema with both `alpha` and `cap` needs — the mean cannot exceed
 * the maximum — reported on `alpha`, and only once both values are valid on their own (so that
 * `alpha: 1.5` gets one message, not two).
 *
 * @example
 * ```ts
 * const options = withAlphaWithinCap(z.strictObject({ alpha: alphaOption, cap: capOption }));
 * ```
 */
export function withAlphaWithinCap<T extends z.ZodType<{ alpha: number; cap: number }>>(schema: T) {
  return schema.refine((options) => options.alpha <= options.cap, {
    error: "alpha must not exceed cap: the mean ε can never be above the largest allowed ε",
    path: ["alpha"],
    when: (payload) => payload.issues.length === 0,
  });
}
