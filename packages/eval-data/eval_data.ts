import { readFile } from "node:fs/promises";
import { type Sample, z } from "@ual/core";
import { TASK_NAMES, testbedSamples } from "@ual/testbed";

/**
 * The `data:` option every evaluator shares: where its held-out samples come from. Either
 * `{ testbed: { split, count, seed, mix, kinds } }` or `{ jsonl: path }` (one sample `{id, turns, metadata}`
 * per line, relative to the manifest).
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
  z.strictObject({ jsonl: z.string().min(1) }),
]);

/** The `data:` option, defaults applied. */
export type EvalData = z.output<typeof evalDataOptions>;

/**
 * Reads an evaluator's held-out samples.
 *
 * @example
 * ```ts
 * const samples = await readEvalSamples({ testbed: { split: "heldout", count: 100, seed: 0, mix: 0.5 } }, (p) => p);
 * ```
 */
export async function readEvalSamples(data: EvalData, resolvePath: (path: string) => string): Promise<Sample[]> {
  if ("testbed" in data) return [...testbedSamples(data.testbed)];
  const file = resolvePath(data.jsonl);
  const lines = (await readFile(file, "utf8")).split("\n");
  const samples: Sample[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    let row: Sample;
    try {
      row = JSON.parse(line) as Sample;
    } catch (error) {
      throw new Error(`${file}:${i + 1}: not JSON (${(error as Error).message})`);
    }
    if (!Array.isArray(row.turns)) throw new Error(`${file}:${i + 1}: a sample needs turns: [{role, content}, …]`);
    samples.push({ ...row, id: row.id ?? `line-${i + 1}`, metadata: row.metadata ?? {} });
  });
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
