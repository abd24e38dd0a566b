import { definePlugin, type EventDraft, type Evaluator, z } from "@ual/core";
import { evalDataOptions, promptAndAnswer, readEvalSamples, subsetOf } from "@ual/eval-data";
import { chatPrompt, loadTrainedModel, scoreContinuations } from "@ual/models";
import { selectBackend } from "@ual/nn";
import { type AnswerLogProb, perTokenNll } from "./per_token_nll.ts";

/** The `with:` block of `@ual/eval-nll`. */
export const evalNllOptions = z.strictObject({
  /** The held-out samples (see `@ual/eval-data`); default 200 testbed held-out samples, seed 0. */
  data: evalDataOptions.default({ testbed: { split: "heldout", count: 200, seed: 0, mix: 0.5 } }),
  backend: z.enum(["auto", "tensorflow-gpu", "tensorflow", "wasm", "cpu"]).default("auto"),
  batchSize: z.int().min(1).default(32),
});

/** The options of `@ual/eval-nll`, defaults applied. */
export type EvalNllOptions = z.output<typeof evalNllOptions>;

/**
 * `@ual/eval-nll`: the trained model's NLL per token of each held-out reference answer (EOS
 * included, as in training), per `metadata.subset` and over all. Plain NLL, never the smoothed
 * loss, so that arms with different ε compare on the same scale.
 *
 * @example
 * ```yaml
 * evaluators:
 *   - use: "@ual/eval-nll"
 *     with: { data: { testbed: { split: heldout, count: 200 } } }
 * ```
 */
export const plugin = definePlugin({
  name: "@ual/eval-nll",
  version: "0.1.0",
  kind: "evaluator",
  apiVersion: 1,
  description: "Held-out NLL per token of the reference answers, per subset.",
  options: evalNllOptions,
  create(options, context): Evaluator {
    return {
      async *evaluate({ artifacts }, { signal }): AsyncGenerator<EventDraft> {
        const dir = artifacts.model;
        if (dir === undefined) throw new Error("@ual/eval-nll: no `model` artifact; add a trainer stage before the evaluators");
        await selectBackend(options.backend);
        const samples = await readEvalSamples(options.data, context.resolvePath);
        const { model, tokenizer, template } = await loadTrainedModel(dir);
        try {
          const items = samples.map((s) => {
            const { prompt, answer } = promptAndAnswer(s);
            return { prompt: chatPrompt(prompt, tokenizer, template), continuation: [...tokenizer.encode(answer), tokenizer.eos] };
          });
          const scores = scoreContinuations(model, items, { batchSize: options.batchSize, signal });
          const bySubset = new Map<string, AnswerLogProb[]>();
          samples.forEach((s, i) => {
            const key = subsetOf(s);
            bySubset.set(key, [...(bySubset.get(key) ?? []), scores[i] as AnswerLogProb]);
          });
          for (const [subset, list] of [...bySubset].sort(([a], [b]) => a.localeCompare(b))) {
            yield { type: "eval", evaluator: "@ual/eval-nll", metric: "nll", value: perTokenNll(list), subset, details: { samples: list.length } };
          }
          yield { type: "eval", evaluator: "@ual/eval-nll", metric: "nll", value: perTokenNll(scores), details: { samples: scores.length } };
        } finally {
          model.dispose();
        }
      },
    };
  },
});
