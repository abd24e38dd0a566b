import { type CausalLmLike, scoreContinuations, type Tokenizer } from "@ual/models";
import { type ChatTemplate, choiceContinuations, type PromptStyle } from "./_prompts.ts";
import type { ScoredQuestion } from "./choice_accuracy.ts";
import type { MultipleChoiceItem } from "./multiple_choice_item.ts";

/** Every choice of every item scored by teacher forcing: Σ log p, tokens and characters. */
export function scoreChoices(
  model: CausalLmLike,
  tokenizer: Tokenizer,
  template: ChatTemplate,
  items: ReadonlyArray<{ item: MultipleChoiceItem; style: PromptStyle }>,
  options: { batchSize: number; signal?: AbortSignal },
): ScoredQuestion[] {
  const perItem = items.map(({ item, style }) => choiceContinuations(item, style, tokenizer, template));
  const flat = perItem.flat();
  const scores = scoreContinuations(model, flat, { batchSize: options.batchSize, ...(options.signal ? { signal: options.signal } : {}) });
  let next = 0;
  return items.map(({ item }, i) => ({
    answer: item.answer,
    scores: (perItem[i] as typeof flat).map((c) => {
      const s = scores[next++] as (typeof scores)[number];
      // Code points, as Python's len(choice) in the harness.
      return { logProb: s.logProb, tokens: s.tokens, chars: [...c.text].length };
    }),
  }));
}
