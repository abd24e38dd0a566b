import { z } from "@ual/core";
import { dataFilesOption, heldOutSplitOption, RECORD_FORMATS, rolesOption } from "@ual/formats";

/** The `with:` block of the `@ual/source-jsonl` stage in a manifest. */
export const sourceJsonlOptions = z.strictObject({
  /** The data file, or a list of files (each a path or `{ path, subset }`), relative to the manifest's directory. */
  path: dataFilesOption,
  /** The records' shape; `"auto"` detects it per record. */
  format: z.enum(RECORD_FORMATS).default("auto"),
  /** What to do with an invalid record: stop the run, or skip it with a warning. */
  onInvalid: z.enum(["fail", "skip"]).default("fail"),
  /** The field holding the sample id; records without it get `<file name>:<line>`. */
  idField: z.string().min(1).default("id"),
  /** Read at most this many valid samples. */
  limit: z.number().int().positive().optional(),
  /** Extra role names, e.g. `{ teacher: assistant }`. */
  roles: rolesOption.optional(),
  /** Train on one part of a deterministic held-out split by sample id; `part` defaults to `train`. */
  split: heldOutSplitOption("train").optional(),
});

/** The options of `@ual/source-jsonl`, defaults applied. */
export type SourceJsonlOptions = z.output<typeof sourceJsonlOptions>;
