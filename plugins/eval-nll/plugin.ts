import { definePlugin, type EventDraft, type Evaluator, type Sample, z } from "@ual/core";
import { type EvalData, evalDataOptions, promptAndAnswer, readEvalSamples, subsetOf } from "@ual/eval-data";
import { chatAnswer, loadTrainedModel, scoreContinuations } from "@ual/models";
import { selectBackend } from "@ual/nn";
import { fitToContext } from "./fit_to_context.ts";
import { type AnswerLogProb, perTokenNll } from "./per_token_nll.ts";
import { readRawTextRecords } from "./raw_text_record.ts";

/**
 * Raw text, scored after BOS with no chat template (how a pretrained base model is measured on
 * held-out text; see {@linkcode readRawTextRecords} for the records).
 */
const rawTextData = z.strictObject({
  /** One JSONL file or a list, relative to the manifest. */
  text: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  /** The metric's subset for records without their own `subset` (default `base-text`). */
  subset: z.string().min(1).default("base-text"),
});

/** The `with:` block of `@ual/eval-nll`. */
export const evalNllOptions = z.strictObject({
  /**
   * The held-out samples (see `@ual/eval-data`), scored as chat answers; or `{ text, subset }`:
   * raw text scored after BOS. Default 200 testbed held-out samples, seed 0.
   */
  data: z.union([evalDataOptions, rawTextData]).default({ testbed: { split: "heldout", count: 200, seed: 0, mix: 0.5 } }),
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
 * With `data: { text: file, subset }` it scores raw text instead — no chat template, no EOS, each
 * record's text after BOS (or after BOS and its context) — as the base model saw text in
 * pretraining, and reports one `nll` per subset only (no unlabelled total, so that it can sit
 * beside a chat-data instance of the evaluator in one run).
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
        const data = options.data;
        const raw = "text" in data ? await readRawTextRecords((Array.isArray(data.text) ? data.text : [data.text]).map(context.resolvePath), data.subset) : undefined;
        const samples = raw ?? (await readEvalSamples(data as EvalData, context.resolvePath));
        const { model, tokenizer, template } = await loadTrainedModel(dir);
        try {
          const { contextLength } = model.config;
          const items =
            raw?.map((r) => fitToContext({ prompt: [tokenizer.bos, ...(r.context === "" ? [] : tokenizer.encode(r.context))], continuation: tokenizer.encode(r.continuation) }, contextLength)) ??
            (samples as Sample[]).map((s) => {
              const { prompt, answer } = promptAndAnswer(s);
              return fitToContext(chatAnswer(prompt, answer, tokenizer, template), contextLength);
            });
          const scores = scoreContinuations(model, items, { batchSize: options.batchSize, signal });
          const bySubset = new Map<string, number[]>();
          samples.forEach((s, i) => {
            const key = "subset" in s ? s.subset : subsetOf(s);
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
          if (raw === undefined) yield event(samples.map((_, i) => i));
          const cut = samples.filter((_, i) => (items[i]?.continuationCut ?? 0) > 0).map((s) => s.id);
          if (cut.length > 0) {
            const shown = `${cut.slice(0, 5).join(", ")}${cut.length > 5 ? ", …" : ""}`;
            context.logger.warn(`@ual/eval-nll: ${cut.length} of ${samples.length} ${raw === undefined ? "reference answers" : "texts"} are longer than the context of ${contextLength} tokens; only their first ${contextLength - 1} tokens were scored (${shown})`);
          }
        } finally {
          model.dispose();
        }
      },
    };
  },
});
