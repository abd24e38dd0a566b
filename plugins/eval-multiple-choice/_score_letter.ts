import type { CausalLmLike, Tokenizer } from "@ual/models";
import { createRng, fnv1a } from "@ual/random";
import { argmax } from "./_argmax.ts";
import { drawToken } from "./_draw_token.ts";
import { lastPositionLogits } from "./_last_logits.ts";
import { type ChatTemplate, letterPromptIds, type PromptStyle } from "./_prompts.ts";
import { bestOfN } from "./best_of_n.ts";
import { goldMass } from "./gold_mass.ts";
import { choiceLetter } from "./choice_letter.ts";
import { letterPrompt } from "./letter_prompt.ts";
import { letterTokenIds } from "./letter_token_ids.ts";
import type { MultipleChoiceItem } from "./multiple_choice_item.ts";
import { topKSoftmax } from "./top_k_softmax.ts";

/** The letter method's settings (spec §6.1 defaults: 4, 0.8, 200, 512, 0). */
export interface LetterSettings {
  bestOf: number;
  temperature: number;
  topK: number;
  maxPromptTokens: number;
  shots: number;
  sampledRuns: number;
  seed: number;
  batchSize: number;
  signal?: AbortSignal;
}

/** What the letter method found for one question. */
export interface LetterOutcome {
  item: MultipleChoiceItem;
  /** P_gold: the top-k, temperature-scaled probability of a token that decodes to the right letter. */
  goldMass: number;
  /** 1 − (1 − P_gold)^N. */
  bestOfN: number;
  /** Whether the single most likely token decodes to the right letter. */
  firstTokenCorrect: boolean;
  /** The most likely token's text, for examples. */
  firstToken: string;
  /** Per sampled run: whether one of the N drawn tokens decoded to the right letter. */
  sampledHits: boolean[];
}

// One pass over the vocabulary per tokenizer, not per subset: a 32k vocabulary is 32k decodes.
const letterIdsCache = new WeakMap<Tokenizer, { vocabSize: number; ids: Map<string, number[]> }>();

function allLetterTokenIds(tokenizer: Tokenizer, vocabSize: number): Map<string, number[]> {
  const cached = letterIdsCache.get(tokenizer);
  if (cached !== undefined && cached.vocabSize === vocabSize) return cached.ids;
  const letters = Array.from({ length: 26 }, (_, i) => choiceLetter(i));
  const ids = letterTokenIds((id) => tokenizer.decode([id]), vocabSize, letters);
  letterIdsCache.set(tokenizer, { vocabSize, ids });
  return ids;
}

/**
 * The letter method over one subset's items: the last `shots` items become demonstrations (and are
 * not scored, as in the reference), every other item is one forward pass.
 */
export function scoreLetters(
  model: CausalLmLike,
  tokenizer: Tokenizer,
  template: ChatTemplate,
  style: PromptStyle,
  items: readonly MultipleChoiceItem[],
  settings: LetterSettings,
): LetterOutcome[] {
  const subset = items[0]?.subset;
  if (items.length <= settings.shots) throw new Error(`@ual/eval-multiple-choice: subset ${subset} has ${items.length} questions, so none is left after ${settings.shots} demonstrations (shots)`);
  const demonstrations = items.slice(items.length - settings.shots);
  const asked = items.slice(0, items.length - settings.shots);
  const ids = allLetterTokenIds(tokenizer, Math.min(tokenizer.vocabSize, model.config.vocabSize));
  const maxTokens = Math.min(settings.maxPromptTokens, model.config.contextLength);
  const prompts = asked.map((item) => letterPromptIds(letterPrompt(item, demonstrations), style, tokenizer, template, maxTokens));
  const rows = lastPositionLogits(model, prompts, { batchSize: settings.batchSize, ...(settings.signal ? { signal: settings.signal } : {}) });
  // one stream per sampled run, so that adding runs leaves the earlier ones' draws alone
  const streams = Array.from({ length: settings.sampledRuns }, (_, run) => createRng(fnv1a(`eval-multiple-choice:${settings.seed}:${subset}:${run}`)));
  return asked.map((item, q) => {
    const logits = rows[q] as Float32Array;
    const gold = new Set(ids.get(choiceLetter(item.answer)) ?? []);
    const probabilities = topKSoftmax(logits, { temperature: settings.temperature, topK: settings.topK });
    const p = goldMass(probabilities, gold);
    const top = argmax(logits);
    const sampledHits = streams.map((rng) => {
      let hit = false;
      // all N draws are made even after a hit, so every question uses the same number of draws
      for (let k = 0; k < settings.bestOf; k++) if (gold.has(drawToken(probabilities, rng))) hit = true;
      return hit;
    });
    return { item, goldMass: p, bestOfN: bestOfN(p, settings.bestOf), firstTokenCorrect: gold.has(top), firstToken: tokenizer.decode([top]), sampledHits };
  });
}
