import { pairSilhouettes, pca, silhouetteAverages } from "@ual/clustering";
import { definePlugin, type EventDraft, type Evaluator, z } from "@ual/core";
import { evalDataOptions, promptAndAnswer, readEvalSamples } from "@ual/eval-data";
import { chatPrompt, finalHiddenStates, loadTrainedModel } from "@ual/models";
import { selectBackend } from "@ual/nn";
import { nextTokenFeatures } from "./next_token_features.ts";

/** The `with:` block of `@ual/eval-clustering`. */
export const evalClusteringOptions = z.strictObject({
  /** The prompts (their user turns only, as the paper's test prompts; see `@ual/eval-data`). */
  data: evalDataOptions.default({ testbed: { split: "heldout", count: 200, seed: 0, mix: 0.5 } }),
  /** The most frequent next tokens that form pairs (default 42: 861 pairs, spec §6.5 item 2). */
  topK: z.int().min(2).default(42),
  /** The size and seed of the random sample of pairs (spec §9: 100 pairs, seeded). */
  sampleSize: z.int().min(1).default(100),
  seed: z.int().default(0),
  /**
   * Pairs whose features are one point up to float32 rounding (the same context before both
   * tokens, e.g. the first word after a chat template's fixed prefix) are left out of the means:
   * their silhouette is rounding noise that changes with the matmul kernels and the CPU (see
   * `@ual/clustering`'s pairSilhouettes). 0 keeps them, as the reference code does.
   */
  minSpread: z.number().min(0).default(1e-5),
  /** At most this many points in the scatter attached to the report. */
  scatterPoints: z.int().min(2).default(400),
  backend: z.enum(["auto", "tensorflow-gpu", "tensorflow", "wasm", "cpu"]).default("auto"),
});

/** The options of `@ual/eval-clustering`, defaults applied. */
export type EvalClusteringOptions = z.output<typeof evalClusteringOptions>;

/**
 * `@ual/eval-clustering` (spec §6.5): one forward pass per prompt (BOS + template + question, no
 * response), the final norm's features (GPT-2's LayerNorm, Llama's RMSNorm) labelled by the next
 * token, the `topK` most frequent tokens, and per pair the silhouette of the pair's features
 * projected to 2-D by PCA. Reports `silhouette-all` (mean over every pair) and `silhouette-random`
 * (a seeded random sample — not the authors' UAL-favouring selection), and attaches the most
 * frequent pair's PCA scatter in `details.scatter` for the HTML report.
 *
 * @example
 * ```yaml
 * evaluators:
 *   - use: "@ual/eval-clustering"
 *     with: { topK: 42, sampleSize: 100 }
 * ```
 */
export const plugin = definePlugin({
  name: "@ual/eval-clustering",
  version: "0.1.0",
  kind: "evaluator",
  apiVersion: 1,
  description: "Silhouette of next-token-labelled features per token pair (PCA 2-D), over all pairs and a seeded random sample.",
  options: evalClusteringOptions,
  create(options, context): Evaluator {
    return {
      async *evaluate({ artifacts }, { signal }): AsyncGenerator<EventDraft> {
        const dir = artifacts.model;
        if (dir === undefined) throw new Error("@ual/eval-clustering: no `model` artifact; add a trainer stage before the evaluators");
        await selectBackend(options.backend);
        const samples = await readEvalSamples(options.data, context.resolvePath);
        const { model, tokenizer, template } = await loadTrainedModel(dir);
        const features: Float32Array[] = [];
        const labels: number[] = [];
        try {
          for (const sample of samples) {
            signal.throwIfAborted();
            const ids = chatPrompt(promptAndAnswer(sample).prompt, tokenizer, template).slice(0, model.config.contextLength);
            const labelled = nextTokenFeatures(finalHiddenStates(model, ids), ids);
            features.push(...labelled.features);
            labels.push(...labelled.labels);
          }
        } finally {
          model.dispose();
        }
        const result = pairSilhouettes(features, labels, { topK: options.topK, minSpread: options.minSpread });
        const averages = silhouetteAverages(result.pairs.map((p) => p.silhouette), { sampleSize: options.sampleSize, seed: options.seed });
        const sameContext = result.pairs.filter((p) => p.silhouette === null && p.reason?.includes("rounding") === true).length;
        const details = { pairs: result.pairs.length, features: features.length, topK: result.labels.length, sameContextPairs: sameContext };
        const scatter = pairScatter(features, labels, result.labels[0], result.labels[1], options.scatterPoints, tokenizer.decode.bind(tokenizer));
        yield { type: "eval", evaluator: "@ual/eval-clustering", metric: "silhouette-all", value: averages.allPairs.mean, details: { ...details, n: averages.allPairs.n, ...(scatter ? { scatter } : {}) } };
        yield { type: "eval", evaluator: "@ual/eval-clustering", metric: "silhouette-random", value: averages.randomPairs.mean, details: { ...details, n: averages.randomPairs.n, seed: averages.randomPairs.seed } };
      },
    };
  },
});

/** The PCA scatter of one token pair, in the HTML reporter's `details.scatter` convention; evenly thinned to `max` points. */
function pairScatter(features: readonly Float32Array[], labels: readonly number[], a: number | undefined, b: number | undefined, max: number, decode: (ids: number[]) => string) {
  if (a === undefined || b === undefined) return undefined;
  const picked = labels.flatMap((label, i) => (label === a || label === b ? [i] : []));
  if (picked.length < 3) return undefined;
  const step = Math.max(1, picked.length / max);
  const kept = Array.from({ length: Math.min(max, picked.length) }, (_, i) => picked[Math.floor(i * step)] as number);
  const { points } = pca(kept.map((i) => features[i] as Float32Array), 2);
  const name = (id: number) => JSON.stringify(decode([id]));
  return {
    title: `PCA of the features before tokens ${name(a)} and ${name(b)}`,
    points: points.map((p, j) => ({ x: p[0] ?? 0, y: p[1] ?? 0, label: name(labels[kept[j] as number] as number) })),
  };
}
