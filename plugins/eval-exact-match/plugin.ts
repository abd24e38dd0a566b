import { definePlugin, type EventDraft, type Evaluator, z } from "@ual/core";
import { evalDataOptions, promptAndAnswer, readEvalSamples, subsetOf } from "@ual/eval-data";
import { chatPrompt, generateInBatches, loadTrainedModel } from "@ual/models";
import { selectBackend } from "@ual/nn";
import { accuracy } from "./accuracy.ts";
import { isExactMatch } from "./extract_answer.ts";

/** The `with:` block of `@ual/eval-exact-match`. */
export const evalExactMatchOptions = z.strictObject({
  /** The held-out samples (see `@ual/eval-data`); default 200 testbed held-out samples, seed 0. */
  data: evalDataOptions.default({ testbed: { split: "heldout", count: 200, seed: 0, mix: 0.5 } }),
  /** Only these `metadata.subset`s (default all): exact match means little where many answers are right. */
  subsets: z.array(z.string().min(1)).min(1).optional(),
  /** `strict` (default): extracted answers equal; `substring`: the reference answer occurs in the output (spec §6.2). */
  match: z.enum(["strict", "substring"]).default("strict"),
  maxNewTokens: z.int().min(1).default(32),
  /** Stop sequences; the default ends at a blank line, where the next turn's template would start. */
  stop: z.array(z.string().min(1)).default(["\n\n"]),
  backend: z.enum(["auto", "tensorflow-gpu", "tensorflow", "wasm", "cpu"]).default("auto"),
  batchSize: z.int().min(1).default(32),
});

/** The options of `@ual/eval-exact-match`, defaults applied. */
export type EvalExactMatchOptions = z.output<typeof evalExactMatchOptions>;

/**
 * `@ual/eval-exact-match`: greedy answers to held-out prompts, checked against the reference with
 * {@linkcode isExactMatch}; `accuracy` per subset (with a Wald 95% half-width) and over all.
 * Three answers per subset go into `details.examples`, so a report shows what the model said.
 *
 * @example
 * ```yaml
 * evaluators:
 *   - use: "@ual/eval-exact-match"
 *     with: { subsets: [low-entropy], data: { testbed: { split: heldout, count: 200 } } }
 * ```
 */
export const plugin = definePlugin({
  name: "@ual/eval-exact-match",
  version: "0.1.0",
  kind: "evaluator",
  apiVersion: 1,
  description: "Greedy generation, answer extraction and exact-match accuracy per subset.",
  options: evalExactMatchOptions,
  create(options, context): Evaluator {
    return {
      async *evaluate({ artifacts }, { signal }): AsyncGenerator<EventDraft> {
        const dir = artifacts.model;
        if (dir === undefined) throw new Error("@ual/eval-exact-match: no `model` artifact; add a trainer stage before the evaluators");
        await selectBackend(options.backend);
        const samples = (await readEvalSamples(options.data, context.resolvePath)).filter((s) => options.subsets === undefined || options.subsets.includes(subsetOf(s)));
        if (samples.length === 0) throw new Error(`@ual/eval-exact-match: no held-out sample is in subsets ${JSON.stringify(options.subsets)}`);
        const { model, tokenizer, template } = await loadTrainedModel(dir);
        try {
          const items = samples.map((s) => ({ sample: s, ...promptAndAnswer(s) }));
          const { generations, cut } = generateInBatches(
            model,
            tokenizer,
            items.map((c) => chatPrompt(c.prompt, tokenizer, template)),
            { maxNewTokens: options.maxNewTokens, stop: options.stop, batchSize: options.batchSize, signal },
          );
          const outcomes = items.map((c, i) => {
            const output = generations[i]?.text ?? "";
            return { subset: subsetOf(c.sample), correct: isExactMatch(output, c.answer, { mode: options.match }), prompt: c.prompt, answer: c.answer, output, cut: cut[i] === true };
          });
          const promptsCut = cut.filter(Boolean).length;
          const { contextLength } = model.config;
          if (promptsCut > 0) context.logger.warn(`${promptsCut} prompts were longer than the context (${contextLength} tokens) and keep only their last ${contextLength - 1} tokens`);
          const subsets = [...new Set(outcomes.map((o) => o.subset))].sort();
          for (const subset of subsets) {
            const mine = outcomes.filter((o) => o.subset === subset);
            const examples = mine.slice(0, 3).map(({ prompt, answer, output, correct }) => ({ prompt, answer, output, correct }));
            yield { type: "eval", evaluator: "@ual/eval-exact-match", metric: "accuracy", ...accuracy(mine.map((o) => o.correct)), subset, details: { samples: mine.length, match: options.match, promptsCut: mine.filter((o) => o.cut).length, examples } };
          }
          if (subsets.length > 1) yield { type: "eval", evaluator: "@ual/eval-exact-match", metric: "accuracy", ...accuracy(outcomes.map((o) => o.correct)), details: { samples: outcomes.length, promptsCut } };
        } finally {
          model.dispose();
        }
      },
    };
  },
});
