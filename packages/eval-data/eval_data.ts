import { type Sample, z } from "@ual/core";
import { dataFilesOf, dataFilesOption, heldOutSplitOption, RECORD_FORMATS, readSamples, rolesOption } from "@ual/formats";
import { TASK_NAMES, testbedSamples } from "@ual/testbed";

/**
 * The `data:` option every evaluator shares: where its held-out samples come from. Either
 * `{ testbed: { split, count, seed, mix, kinds } }`, or `{ jsonl: files, split?, format?, idField?, roles? }`:
 * data files (relative to the manifest) in any shape `@ual/source-jsonl` reads, detected per
 * record, optionally one part of a held-out split (`part` defaults to `heldout`).
 */
export const evalDataOptions = z.union([
  z.strictObject({
    testbed: z.strictObject({
      /** `heldout` (default): prompts the training split never shows. */
      split: z.enum(["train", "heldout"]).default("heldout"),
      count: z.int().min(1).default(200),
      /** Fixed (default 0), not the run's seed: every arm and seed is measured on the same samples. */
      seed: z.int().default(0),
      mix: z.number().min(0).max(1).default(0.5),
      /** The task families to draw from (default all); match the training source's `kinds`. */
      kinds: z.array(z.enum(TASK_NAMES)).min(1).optional(),
    }),
  }),
  z.strictObject({
    /** One file, or a list of paths and `{ path, subset }` entries (the subset labels every sample of its file). */
    jsonl: dataFilesOption,
    /** Only one part of a held-out split by sample id; match the training source's `split` (same files, heldout, seed, idField). */
    split: heldOutSplitOption("heldout").optional(),
    /** The records' shape; default `auto`, detected per record. */
    format: z.enum(RECORD_FORMATS).optional(),
    /** The field holding the sample id (default `id`); records without it get `<file name>:<line>`. */
    idField: z.string().min(1).optional(),
    /** Extra role names, e.g. `{ teacher: assistant }`. */
    roles: rolesOption.optional(),
  }),
]);

/** The `data:` option, defaults applied. */
export type EvalData = z.output<typeof evalDataOptions>;

/**
 * Reads an evaluator's held-out samples. Data files are read by `readSamples` of `@ual/formats`
 * (the JSONL source's reading), so an invalid record fails with `<file>:<line>: <reason>`.
 *
 * @example
 * ```ts
 * const samples = await readEvalSamples({ testbed: { split: "heldout", count: 100, seed: 0, mix: 0.5 } }, (p) => p);
 * const math = await readEvalSamples(
 *   { jsonl: [{ path: "gsm8k.jsonl", subset: "math" }], split: { heldout: 0.1, seed: 0, part: "heldout" } },
 *   (p) => `/data/${p}`,
 * );
 * ```
 */
export async function readEvalSamples(data: EvalData, resolvePath: (path: string) => string): Promise<Sample[]> {
  if ("testbed" in data) return [...testbedSamples(data.testbed)];
  const files = dataFilesOf(data.jsonl, resolvePath);
  const samples: Sample[] = [];
  for await (const sample of readSamples(files, { format: data.format, idField: data.idField, roles: data.roles, split: data.split })) {
    samples.push(sample);
  }
  if (samples.length === 0) {
    const names = files.map((f) => f.displayPath ?? f.path).join(", ");
    throw new Error(`${names}: no samples${data.split === undefined ? "" : ` in the ${data.split.part} part of the split (heldout ${data.split.heldout}, seed ${data.split.seed})`}`);
  }
  return samples;
}

/** A sample's subset for per-subset metrics: `metadata.subset`, else `all`. */
export function subsetOf(sample: Sample): string {
  const subset = sample.metadata?.subset;
  return typeof subset === "string" && subset !== "" ? subset : "all";
}

/** The user's text and the reference answer of a single-exchange sample. */
export function promptAndAnswer(sample: Sample): { prompt: string; answer: string } {
  const user = sample.turns.filter((t) => t.role === "user").map((t) => t.content).join("\n\n");
  const answer = [...sample.turns].reverse().find((t) => t.role === "assistant")?.content;
  if (answer === undefined) throw new Error(`sample ${sample.id}: no assistant turn to evaluate against`);
  return { prompt: user, answer };
}
