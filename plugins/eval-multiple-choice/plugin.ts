import { definePlugin, type EventDraft, type Evaluator, type JsonObject } from "@ual/core";
import { loadTrainedModel } from "@ual/models";
import { selectBackend } from "@ual/nn";
import { loadItems, type SourcedItem } from "./_load_items.ts";
import { meanCi95 } from "./_mean_ci95.ts";
import type { PromptStyle } from "./_prompts.ts";
import { type LetterOutcome, scoreLetters } from "./_score_letter.ts";
import { scoreChoices } from "./_score_loglik.ts";
import { choiceAccuracy, type ScoredQuestion } from "./choice_accuracy.ts";
import { choiceLetter } from "./choice_letter.ts";
import { type DataSource, evalMultipleChoiceOptions } from "./options.ts";

const NAME = "@ual/eval-multiple-choice";

/**
 * `@ual/eval-multiple-choice`: multiple-choice accuracy of the trained model, per subset (one per
 * data source) and over all. `loglik` scores each choice by teacher forcing (`acc`, `acc_norm`);
 * `letter` asks for the letter and reports the reference's Best-of-N (spec §6.1) as its exact
 * expectation (`best_of_n`), a seeded sampled run (`best_of_n_sampled`) and greedy
 * `first_token_acc`.
 *
 * @example
 * ```yaml
 * evaluators:
 *   - use: "@ual/eval-multiple-choice"
 *     with:
 *       data: [{ jsonl: ./data/arc_challenge.jsonl, format: arc }, { testbed: { count: 100 } }]
 *       methods: [loglik, letter]
 * ```
 */
export const plugin = definePlugin({
  name: NAME,
  version: "0.1.0",
  kind: "evaluator",
  apiVersion: 1,
  description: "Multiple-choice accuracy by choice log-likelihood (acc, acc_norm) and by first-token letter Best-of-N.",
  options: evalMultipleChoiceOptions,
  create(options, context): Evaluator {
    return {
      async *evaluate({ artifacts }, { signal }): AsyncGenerator<EventDraft> {
        const dir = artifacts.model;
        if (dir === undefined) throw new Error(`${NAME}: no \`model\` artifact; add a trainer stage before the evaluators`);
        const sources: DataSource[] = Array.isArray(options.data) ? options.data : [options.data];
        const sourced = await loadItems(sources, context.resolvePath);
        await selectBackend(options.backend);
        const { model, tokenizer, template } = await loadTrainedModel(dir);
        try {
          const styleOf = (s: SourcedItem): PromptStyle => (options.prompt === "auto" ? (s.fromTestbed ? "chat" : "raw") : options.prompt);
          const subsets = [...new Set(sourced.map((s) => s.item.subset))];
          const bySubset = new Map(subsets.map((subset) => [subset, sourced.filter((s) => s.item.subset === subset)]));

          if (options.methods.includes("loglik")) {
            const all: ScoredQuestion[] = [];
            for (const [subset, list] of bySubset) {
              const scored = scoreChoices(model, tokenizer, template, list.map((s) => ({ item: s.item, style: styleOf(s) })), { batchSize: options.batchSize, signal });
              all.push(...scored);
              yield* loglikEvents(scored, { subset, prompt: styleOf(list[0] as SourcedItem), examples: examples(list, scored) });
            }
            if (subsets.length > 1) yield* loglikEvents(all, {});
          }

          if (options.methods.includes("letter")) {
            const all: LetterOutcome[] = [];
            for (const [subset, list] of bySubset) {
              const outcomes = scoreLetters(model, tokenizer, template, styleOf(list[0] as SourcedItem), list.map((s) => s.item), { ...options, signal });
              all.push(...outcomes);
              yield* letterEvents(outcomes, { subset, prompt: styleOf(list[0] as SourcedItem) });
            }
            if (subsets.length > 1) yield* letterEvents(all, {});
          }
        } finally {
          model.dispose();
        }

        function* loglikEvents(scored: ScoredQuestion[], at: { subset?: string; prompt?: PromptStyle; examples?: JsonObject[] }): Generator<EventDraft> {
          const { acc, accNorm, accNormTokens } = choiceAccuracy(scored);
          const where = at.subset !== undefined ? { subset: at.subset } : {};
          const details: JsonObject = { samples: scored.length, method: "loglik", ...(at.prompt ? { prompt: at.prompt } : {}) };
          yield { type: "eval", evaluator: NAME, metric: "acc", ...acc, ...where, details: { ...details, ...(at.examples ? { examples: at.examples } : {}) } };
          yield { type: "eval", evaluator: NAME, metric: "acc_norm", ...accNorm, ...where, details: { ...details, normalizeBy: "chars" } };
          yield { type: "eval", evaluator: NAME, metric: "acc_norm_tokens", ...accNormTokens, ...where, details: { ...details, normalizeBy: "tokens" } };
        }

        function* letterEvents(outcomes: LetterOutcome[], at: { subset?: string; prompt?: PromptStyle }): Generator<EventDraft> {
          const where = at.subset !== undefined ? { subset: at.subset } : {};
          const n = outcomes.length;
          const details: JsonObject = {
            samples: n,
            method: "letter",
            n: options.bestOf,
            temperature: options.temperature,
            topK: options.topK,
            shots: options.shots,
            maxPromptTokens: options.maxPromptTokens,
            meanGoldMass: outcomes.reduce((s, o) => s + o.goldMass, 0) / n,
            ...(at.prompt ? { prompt: at.prompt } : {}),
          };
          const examples = outcomes.slice(0, 3).map((o) => ({ id: o.item.id, answer: choiceLetter(o.item.answer), goldMass: o.goldMass, firstToken: o.firstToken }));
          yield { type: "eval", evaluator: NAME, metric: "best_of_n", ...meanCi95(outcomes.map((o) => o.bestOfN)), ...where, details: { ...details, examples } };
          if (options.sampledRuns > 0) {
            const runs = options.sampledRuns;
            const hits = outcomes.map((o) => o.sampledHits.filter(Boolean).length / runs);
            // how far a sampled score strays from the analytic one: Σ b(1−b) / (runs · n²), b = best_of_n per question
            const samplingSd = Math.sqrt(outcomes.reduce((s, o) => s + o.bestOfN * (1 - o.bestOfN), 0) / runs) / n;
            const perRun = Array.from({ length: runs }, (_, r) => outcomes.filter((o) => o.sampledHits[r]).length / n);
            yield { type: "eval", evaluator: NAME, metric: "best_of_n_sampled", ...meanCi95(hits), ...where, details: { ...details, runs, perRun, samplingSd, seed: options.seed } };
          }
          yield { type: "eval", evaluator: NAME, metric: "first_token_acc", ...meanCi95(outcomes.map((o) => (o.firstTokenCorrect ? 1 : 0))), ...where, details };
        }
      },
    };
  },
});

/** Three questions of a subset with the choice the model liked best, for reports. */
function examples(list: readonly SourcedItem[], scored: readonly ScoredQuestion[]): JsonObject[] {
  return list.slice(0, 3).map((s, i) => {
    const lls = (scored[i] as ScoredQuestion).scores.map((c) => c.logProb);
    const picked = lls.indexOf(Math.max(...lls));
    return { id: s.item.id, question: s.item.question, answer: s.item.choices[s.item.answer] as string, picked: s.item.choices[picked] as string, correct: picked === s.item.answer };
  });
}
