import { z } from "@ual/core";
import { SPLIT_PARTS, type SplitPart } from "./held_out_split.ts";
import type { DataFile } from "./read_samples.ts";

/** One file in a manifest: its path, or `{ path, subset }` to label all its samples with a subset. */
const dataFileEntry = z.union([
  z.string().min(1),
  z.strictObject({
    /** The data file, relative to the manifest's directory. */
    path: z.string().min(1),
    /** Sets `metadata.subset` of every sample of the file, for per-subset metrics and `subsets:` filters. */
    subset: z.string().min(1).optional(),
  }),
]);

/**
 * The manifest's way to name data files: one path, or a list of paths and `{ path, subset }`
 * entries. Paths are relative to the manifest's directory.
 *
 * @example
 * ```yaml
 * path: ./data/train.jsonl
 * path: [./data/seed.jsonl, { path: ./data/gsm8k.jsonl, subset: math }]
 * ```
 */
export const dataFilesOption = z.union([z.string().min(1), z.array(dataFileEntry).min(1)]);

/** The value of a {@linkcode dataFilesOption}. */
export type DataFilesOption = z.output<typeof dataFilesOption>;

/**
 * The manifest's held-out split: `{ heldout, seed, part }`, where `part` defaults to
 * `defaultPart` (`train` for a training source, `heldout` for an evaluator).
 *
 * @example
 * ```ts
 * heldOutSplitOption("train").parse({ heldout: 0.1 }); // { heldout: 0.1, seed: 0, part: "train" }
 * ```
 */
export function heldOutSplitOption(defaultPart: SplitPart) {
  return z.strictObject({
    /** The fraction of samples held out, in (0, 1). */
    heldout: z.number().gt(0).lt(1),
    /** Another seed gives another split. Default 0. */
    seed: z.int().default(0),
    /** Which part to read. */
    part: z.enum(SPLIT_PARTS).default(defaultPart),
  });
}

/** Extra role names a data file uses, e.g. `{ teacher: assistant }`. */
export const rolesOption = z.record(z.string(), z.enum(["user", "assistant", "system"]));

/**
 * The files of a {@linkcode dataFilesOption}, resolved: `path` made absolute by `resolvePath`,
 * `displayPath` as the manifest writes it (for messages).
 *
 * @example
 * ```ts
 * dataFilesOf(["a.jsonl", { path: "b.jsonl", subset: "math" }], (p) => `/data/${p}`);
 * // [{ path: "/data/a.jsonl", displayPath: "a.jsonl" }, { path: "/data/b.jsonl", displayPath: "b.jsonl", subset: "math" }]
 * ```
 */
export function dataFilesOf(option: DataFilesOption, resolvePath: (path: string) => string): DataFile[] {
  const entries = typeof option === "string" ? [option] : option;
  return entries.map((entry) => {
    const { path, subset } = typeof entry === "string" ? { path: entry, subset: undefined } : entry;
    return subset === undefined ? { path: resolvePath(path), displayPath: path } : { path: resolvePath(path), displayPath: path, subset };
  });
}
