import { definePlugin, type EventDraft, type Evaluator, z } from "@ual/core";
import { evalDataOptions, promptAndAnswer, readEvalSamples, subsetOf } from "@ual/eval-data";
import { chatAnswer, loadTrainedModel, scoreContinuations } from "@ual/models";
import { selectBackend } from "@ual/nn";
import { fitToContext } from "./fit_to_context.ts";
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
 * A dialogue longer than the model's context is scored as {@linkcode fitToContext} cuts it: the
 * start of the prompt goes first; an answer longer than the context keeps its first tokens.
 * Each event's details count them (`promptTruncated`, `answerTruncated`), so that a reader can
 * tell how much of the number comes from cut dialogues.
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
          const { contextLength } = model.config;
          const items = samples.map((s) => {
            const { prompt, answer } = promptAndAnswer(s);
            return fitToContext(chatAnswer(prompt, answer, tokenizer, template), contextLength);
          });
          const scores = scoreContinuations(model, items, { batchSize: options.batchSize, signal });
          const bySubset = new Map<string, number[]>();
          samples.forEach((s, i) => {
            const key = subsetOf(s);
            bySubset.set(key, [...(bySubset.get(key) ?? []), i]);
          });
          const event = (indices: readonly number[], subset?: string): EventDraft => {
            const truncation = {
              promptTruncated: indices.filter((i) => (items[i]?.promptCut ?? 0) > 0).length,
              answerTruncated: indices.filter((i) => (items[i]?.continuationCut ?? 0) > 0).length,
            };
            const list = indices.map((i) => scores[i] as AnswerLogProb);
            return {
              type: "eval",
              evaluator: "@ual/eval-nll",
              metric: "nll",
              value: perTokenNll(list),
              ...(subset === undefined ? {} : { subset }),
              details: { samples: list.length, ...truncation, contextLength },
            };
          };
          for (const [subset, indices] of [...bySubset].sort(([a], [b]) => a.localeCompare(b))) yield event(indices, subset);
          const all = samples.map((_, i) => i);
          yield event(all);
          const cut = samples.filter((_, i) => (items[i]?.continuationCut ?? 0) > 0).map((s) => s.id);
          if (cut.length > 0) {
            const shown = `${cut.slice(0, 5).join(", ")}${cut.length > 5 ? ", …" : ""}`;
            context.logger.warn(`@ual/eval-nll: ${cut.length} of ${samples.length} reference answers are longer than the context of ${contextLength} tokens; only their first ${contextLength - 1} tokens were scored (${shown})`);
          }
        } finally {
          model.dispose();
        }
      },
    };
  },
});
