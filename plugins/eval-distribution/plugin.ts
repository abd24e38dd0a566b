import { definePlugin, type EventDraft, type Evaluator, type Sample, z } from "@ual/core";
import { evalDataOptions, normalizeAnswer, promptAndAnswer, readEvalSamples, subsetOf } from "@ual/eval-data";
import { chatAnswer, chatPrompt, generate, loadTrainedModel, scoreContinuations } from "@ual/models";
import { selectBackend } from "@ual/nn";
import { answerDiversity } from "./answer_diversity.ts";
import { klOverValidAnswers } from "./kl_over_valid_answers.ts";

/** The `with:` block of `@ual/eval-distribution`. */
export const evalDistributionOptions = z.strictObject({
  /** Testbed samples whose metadata holds the true `answers` (see `@ual/eval-data`). */
  data: evalDataOptions.default({ testbed: { split: "heldout", count: 200, seed: 0, mix: 0.5 } }),
  /** Only these subsets (default: high-entropy, where there is a distribution to match). */
  subsets: z.array(z.string().min(1)).min(1).default(["high-entropy"]),
  /** At most this many distinct prompts (default 40). */
  prompts: z.int().min(1).default(40),
  /** Answers sampled per prompt (default 8). */
  k: z.int().min(1).default(8),
  /** Sampling temperature (default 1: the model's own distribution). */
  temperature: z.number().positive().default(1),
  maxNewTokens: z.int().min(1).default(16),
  /** Seeds the draws (default: the run's seed); each batch of draws is seeded by seed + its index. */
  seed: z.int().optional(),
  /** Sequences sampled at once: the k draws of ⌊batchSize / k⌋ prompts (default 64). */
  batchSize: z.int().min(1).default(64),
  backend: z.enum(["auto", "tensorflow-gpu", "tensorflow", "wasm", "cpu"]).default("auto"),
});

/** The options of `@ual/eval-distribution`, defaults applied. */
export type EvalDistributionOptions = z.output<typeof evalDistributionOptions>;

interface Truth {
  prompt: string;
  subset: string;
  answers: Array<{ answer: string; probability: number }>;
}

function truthOf(sample: Sample): Truth | undefined {
  const answers = sample.metadata.answers;
  if (!Array.isArray(answers)) return undefined;
  return { prompt: promptAndAnswer(sample).prompt, subset: subsetOf(sample), answers: answers as Truth["answers"] };
}

/**
 * `@ual/eval-distribution`: how well the model's answer distribution on high-entropy testbed
 * prompts matches the truth. Per prompt: K answers sampled at temperature 1 → `validity` (share
 * valid) and `distinct` (distinct valid answers / K); and `kl` = KL(true ‖ model) from the
 * model's log-probability of every valid answer, renormalised over the valid set
 * ({@linkcode klOverValidAnswers}). Each metric is the mean over prompts, per subset.
 *
 * @example
 * ```yaml
 * evaluators:
 *   - use: "@ual/eval-distribution"
 *     with: { prompts: 40, k: 8 }
 * ```
 */
export const plugin = definePlugin({
  name: "@ual/eval-distribution",
  version: "0.1.0",
  kind: "evaluator",
  apiVersion: 1,
  description: "Validity, diversity and KL(true ‖ model) of answers to high-entropy testbed prompts.",
  options: evalDistributionOptions,
  create(options, context): Evaluator {
    return {
      async *evaluate({ artifacts }, { signal }): AsyncGenerator<EventDraft> {
        const dir = artifacts.model;
        if (dir === undefined) throw new Error("@ual/eval-distribution: no `model` artifact; add a trainer stage before the evaluators");
        await selectBackend(options.backend);
        const seen = new Map<string, Truth>();
        for (const sample of await readEvalSamples(options.data, context.resolvePath)) {
          const truth = truthOf(sample);
          if (truth !== undefined && options.subsets.includes(truth.subset) && !seen.has(truth.prompt) && seen.size < options.prompts) seen.set(truth.prompt, truth);
        }
        if (seen.size === 0) throw new Error(`@ual/eval-distribution: no sample in subsets ${JSON.stringify(options.subsets)} has metadata.answers (the testbed's true answer distribution)`);
        const { model, tokenizer, template } = await loadTrainedModel(dir);
        try {
          const truths = [...seen.values()];
          const seed = options.seed ?? context.seed;
          // The k draws of several prompts share one generate call (one step per new token for
          // all of them instead of per prompt), a batch of `batchSize` rows seeded by its index.
          const perBatch = Math.max(1, Math.floor(options.batchSize / options.k));
          const draws: string[][] = [];
          for (let start = 0; start < truths.length; start += perBatch) {
            signal.throwIfAborted();
            const chunk = truths.slice(start, start + perBatch);
            const prompts = chunk.flatMap((truth) => new Array<number[]>(options.k).fill(chatPrompt(truth.prompt, tokenizer, template)));
            const out = generate(model, tokenizer, prompts, { temperature: options.temperature, maxNewTokens: options.maxNewTokens, stop: ["\n\n"], seed: seed + start / perBatch, signal });
            chunk.forEach((_, i) => draws.push(out.slice(i * options.k, (i + 1) * options.k).map((g) => g.text)));
          }
          // every valid answer of every prompt, scored in one call (a prompt's answers share its pass)
          const answers = truths.flatMap((truth) => truth.answers.map((a) => chatAnswer(truth.prompt, a.answer, tokenizer, template)));
          const scores = scoreContinuations(model, answers, { signal });
          let next = 0;
          const rows = truths.map((truth, i) => {
            const valid = new Set(truth.answers.map((a) => normalizeAnswer(a.answer)));
            const diversity = answerDiversity((draws[i] as string[]).map(normalizeAnswer), (a) => valid.has(a));
            const kl = klOverValidAnswers(truth.answers.map((a) => ({ probability: a.probability, modelLogProb: scores[next++]?.logProb ?? Number.NEGATIVE_INFINITY })));
            return { subset: truth.subset, ...diversity, kl };
          });
          for (const subset of [...new Set(rows.map((r) => r.subset))].sort()) {
            const mine = rows.filter((r) => r.subset === subset);
            const mean = (f: (r: (typeof rows)[number]) => number) => mine.reduce((s, r) => s + f(r), 0) / mine.length;
            const details = { prompts: mine.length, k: options.k, temperature: options.temperature };
            yield { type: "eval", evaluator: "@ual/eval-distribution", metric: "validity", value: mean((r) => r.validity), subset, details };
            yield { type: "eval", evaluator: "@ual/eval-distribution", metric: "distinct", value: mean((r) => r.distinct), subset, details };
            yield { type: "eval", evaluator: "@ual/eval-distribution", metric: "kl", value: mean((r) => r.kl), subset, details };
          }
        } finally {
          model.dispose();
        }
      },
    };
  },
});
