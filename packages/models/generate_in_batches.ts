import { causalLm, type CausalLmLike } from "./causal_lm.ts";
import { type GenerateOptions, type Generation, generate } from "./generate.ts";
import type { Tokenizer } from "./tokenizer.ts";

/** Options of {@linkcode generateInBatches}: {@linkcode generate}'s, and how many prompts go at once. */
export interface GenerateInBatchesOptions extends GenerateOptions {
  /** Prompts per `generate` call (default 8). */
  batchSize?: number;
}

/** What {@linkcode generateInBatches} returns, in the order of the prompts. */
export interface BatchedGenerations {
  generations: Generation[];
  /** Per prompt: it was as long as the context, and only its end was kept. */
  cut: boolean[];
}

/**
 * Continues any number of prompts, the way evaluators need it: a prompt as long as the context
 * keeps its end (the last question and the assistant header) and room for one new token, instead
 * of failing; prompts of similar length share a batch (less padding to compute over); the results
 * come back in the prompts' order. Greedy results equal what `generate` gives each prompt alone;
 * sampled ones draw from one seeded stream per batch, so they also depend on `batchSize`.
 *
 * @example
 * ```ts
 * const { generations, cut } = generateInBatches(model, tokenizer, prompts, { maxNewTokens: 32, batchSize: 16 });
 * ```
 */
export function generateInBatches(model: CausalLmLike, tokenizer: Tokenizer, prompts: readonly (readonly number[])[], options: GenerateInBatchesOptions = {}): BatchedGenerations {
  const { batchSize = 8, ...generateOptions } = options;
  const { contextLength } = causalLm(model).config;
  const cut = prompts.map((p) => p.length >= contextLength);
  const items = prompts.map((p, order) => ({ ids: cut[order] ? p.slice(-(contextLength - 1)) : p, order }));
  const byLength = [...items].sort((a, b) => a.ids.length - b.ids.length || a.order - b.order);
  const generations = new Array<Generation>(prompts.length);
  for (let start = 0; start < byLength.length; start += batchSize) {
    options.signal?.throwIfAborted();
    const chunk = byLength.slice(start, start + batchSize);
    const out = generate(model, tokenizer, chunk.map((item) => item.ids), generateOptions);
    chunk.forEach((item, i) => {
      generations[item.order] = out[i] as Generation;
    });
  }
  return { generations, cut };
}
