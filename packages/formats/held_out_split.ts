import { unitHash } from "./_unit_hash.ts";

/** The two parts of a held-out split. */
export const SPLIT_PARTS = ["train", "heldout"] as const;

/** `"train"` or `"heldout"`. */
export type SplitPart = (typeof SPLIT_PARTS)[number];

/** A deterministic train/held-out split of samples by id. */
export interface HeldOutSplit {
  /** The fraction of samples held out, in (0, 1). */
  heldout: number;
  /** Another seed gives another split of the same ids. Default 0. */
  seed?: number;
}

/**
 * The part of a {@linkcode HeldOutSplit} a sample belongs to, from a hash of its id and the
 * seed alone: the same on every machine, run and reader, whatever the order or the other
 * records of the files. So a training source and an evaluator that read the same files with
 * the same split see disjoint samples without a derived file. Raising `heldout` only moves
 * samples from train to held-out, never back.
 *
 * @example
 * ```ts
 * splitPartOf("seed_task_17", { heldout: 0.1, seed: 0 }); // "train" or "heldout", always the same
 * ```
 */
export function splitPartOf(id: string, split: HeldOutSplit): SplitPart {
  if (!(split.heldout > 0 && split.heldout < 1)) {
    throw new RangeError(`splitPartOf: heldout must be a fraction between 0 and 1 (exclusive), got ${split.heldout}`);
  }
  // The seed goes first and is ended by a character no JSON id contains unescaped, so that
  // seed 1 + id "2x" and seed 12 + id "x" hash differently.
  return unitHash(`${split.seed ?? 0}\u0000${id}`) < split.heldout ? "heldout" : "train";
}
