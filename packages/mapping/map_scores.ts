import { constantSmoothing } from "./constant_smoothing.ts";
import { DEFAULT_ALPHA, DEFAULT_CAP } from "./defaults.ts";
import { imputeMedian } from "./impute_median.ts";
import { noSmoothing } from "./no_smoothing.ts";
import { powerSmoothing } from "./power_smoothing.ts";
import { rankSmoothing } from "./rank_smoothing.ts";
import { type TruncatedLinearResult, type TruncatedLinearSolver, truncatedLinear } from "./truncated_linear.ts";
import { checkAlphaAndCap } from "./_validate.ts";

/** The names of the mappings {@linkcode mapScores} knows, as a manifest or `ual map` spells them. */
export const MAPPER_NAMES = ["truncated-linear", "constant", "none", "rank", "power"] as const;

/** One of {@linkcode MAPPER_NAMES}. */
export type MapperName = (typeof MAPPER_NAMES)[number];

/** Options of {@linkcode mapScores}; each mapping reads the ones it needs. */
export interface MapScoresOptions {
  /** The target mean ε (all but `"none"`). Default 0.1. */
  alpha?: number;
  /** The largest allowed ε (all but `"none"`; for `"constant"` only a bound on α). Default 0.99. */
  cap?: number;
  /** How β is found (`"truncated-linear"`, `"rank"`, `"power"`). Default `"exact"`. */
  solver?: TruncatedLinearSolver;
  /** The exponent of `"power"`. Default 2. */
  gamma?: number;
}

/** What {@linkcode mapScores} returns. */
export interface MapScoresResult {
  /** ε per sample, in the order of the scores. */
  values: Float64Array;
  /** The slope of the mappings that have one (see each mapping for what it multiplies). */
  beta?: number;
  /** How many null scores were replaced by the median. */
  imputed: number;
  /** How many values sit at the cap. */
  clipped: number;
  /** The realised mean ε (0 for no samples). */
  mean: number;
  /** The median that was imputed; null when nothing was (or the mapping ignores scores). */
  median: number | null;
  /** Rounds of the iterative solver, when it ran. */
  iterations?: number;
}

/**
 * Maps a dataset's uncertainty scores to per-sample ε with the named mapping. Nulls (failed
 * ratings) are first replaced by the median of the valid scores (spec §9) for the mappings that
 * use scores; `"constant"` and `"none"` use only the count. The `ual map` command and the mapper
 * plugins all go through here, so a mapping behaves the same wherever it is used.
 *
 * - `"truncated-linear"`: ε = min(β·u, cap), mean α ({@linkcode truncatedLinear}, spec §2).
 * - `"constant"`: ε = α for all (label smoothing, "LS").
 * - `"none"`: ε = 0 for all (plain fine-tuning, "SFT").
 * - `"rank"`: truncated-linear on the normalised ranks ({@linkcode rankSmoothing}).
 * - `"power"`: truncated-linear on u^γ ({@linkcode powerSmoothing}).
 *
 * @throws {RangeError} for an unknown mapping or an invalid option; see each mapping for its errors.
 *
 * @example
 * ```ts
 * import { mapScores } from "@ual/mapping";
 *
 * const result = mapScores("truncated-linear", [10, null, 30], { alpha: 0.2 });
 * // result.values = [0.1, 0.2, 0.3], result.imputed = 1, result.median = 20
 * ```
 */
export function mapScores(
  mapper: MapperName,
  scores: ReadonlyArray<number | null>,
  options: MapScoresOptions = {},
): MapScoresResult {
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  const cap = options.cap ?? DEFAULT_CAP;
  switch (mapper) {
    case "none":
      return { values: noSmoothing(scores.length), imputed: 0, clipped: 0, mean: 0, median: null };
    case "constant": {
      checkAlphaAndCap(alpha, cap);
      const values = constantSmoothing(scores.length, alpha);
      return { values, imputed: 0, clipped: 0, mean: scores.length > 0 ? alpha : 0, median: null };
    }
    case "truncated-linear":
    case "rank":
    case "power": {
      const filled = imputeMedian(scores);
      const solved: TruncatedLinearResult =
        mapper === "truncated-linear"
          ? truncatedLinear(filled.scores, { alpha, cap, solver: options.solver })
          : mapper === "rank"
            ? rankSmoothing(filled.scores, { alpha, cap, solver: options.solver })
            : powerSmoothing(filled.scores, { alpha, cap, solver: options.solver, gamma: options.gamma });
      return {
        values: solved.values,
        beta: solved.beta,
        imputed: filled.imputed,
        clipped: solved.clipped,
        mean: solved.mean,
        median: filled.median,
        ...(solved.iterations === undefined ? {} : { iterations: solved.iterations }),
      };
    }
    default:
      throw new RangeError(
        `Unknown mapper ${JSON.stringify(mapper as unknown)}: expected one of ${MAPPER_NAMES.join(", ")}.`,
      );
  }
}
