/** A model's list price in US dollars per million tokens. */
export interface Price {
  input: number;
  output: number;
  /** What the batch APIs charge as a share of the list price (default 0.5: half price). */
  batchDiscount?: number;
}

/** The date the built-in prices were copied from the providers' price pages. */
export const PRICES_AS_OF = "2025-10";

/**
 * List prices of models one might rate with, per million tokens (as of {@linkcode PRICES_AS_OF};
 * prices change — override them with `prices:` in the manifest). A dated model name uses its
 * family's price (`gpt-4o-2024-08-06` → `gpt-4o`).
 */
export const PRICES: Readonly<Record<string, Price>> = Object.freeze({
  // OpenAI
  "gpt-5": { input: 1.25, output: 10 },
  "gpt-5-mini": { input: 0.25, output: 2 },
  "gpt-5-nano": { input: 0.05, output: 0.4 },
  "gpt-4.1": { input: 2, output: 8 },
  "gpt-4.1-mini": { input: 0.4, output: 1.6 },
  "gpt-4.1-nano": { input: 0.1, output: 0.4 },
  "gpt-4o": { input: 2.5, output: 10 },
  "gpt-4o-mini": { input: 0.15, output: 0.6 },
  "o3": { input: 2, output: 8 },
  "o4-mini": { input: 1.1, output: 4.4 },
  "gpt-4-turbo": { input: 10, output: 30 },
  // The paper's model (spec §1.2).
  "gpt-4-1106-preview": { input: 10, output: 30 },
  "gpt-4-0125-preview": { input: 10, output: 30 },
  "gpt-4": { input: 30, output: 60 },
  "gpt-3.5-turbo": { input: 0.5, output: 1.5 },
  // Anthropic
  "claude-opus-4-1": { input: 15, output: 75 },
  "claude-opus-4": { input: 15, output: 75 },
  "claude-sonnet-4-5": { input: 3, output: 15 },
  "claude-sonnet-4": { input: 3, output: 15 },
  "claude-3-7-sonnet": { input: 3, output: 15 },
  "claude-3-5-sonnet": { input: 3, output: 15 },
  "claude-haiku-4-5": { input: 1, output: 5 },
  "claude-3-5-haiku": { input: 0.8, output: 4 },
  "claude-3-haiku": { input: 0.25, output: 1.25 },
  "claude-3-opus": { input: 15, output: 75 },
});

/** Prices a manifest adds or replaces, by model name. */
export type PriceOverrides = Readonly<Record<string, Price>>;

/**
 * The price of a model: an override first, then the built-in table; an exact name first, then
 * the longest family name it extends (`claude-sonnet-4-5-20250929` → `claude-sonnet-4-5`, never
 * `gpt-4` for `gpt-4.1`). Undefined for a model nobody priced.
 *
 * @example
 * ```ts
 * priceFor("gpt-4o-2024-08-06");                                  // { input: 2.5, output: 10 }
 * priceFor("my-finetune", { "my-finetune": { input: 3, output: 12 } });
 * ```
 */
export function priceFor(model: string, overrides: PriceOverrides = {}): Price | undefined {
  for (const table of [overrides, PRICES]) {
    if (Object.hasOwn(table, model)) return table[model];
    let best: string | undefined;
    for (const family of Object.keys(table)) {
      if (model.startsWith(`${family}-`) && (best === undefined || family.length > best.length)) best = family;
    }
    if (best !== undefined) return table[best];
  }
  return undefined;
}

/**
 * What a call costs in US dollars: tokens times the per-million price, at the batch share for
 * batch calls.
 *
 * @example
 * ```ts
 * callCost({ inputTokens: 1000, outputTokens: 10 }, { input: 2.5, output: 10 }); // 0.0026
 * callCost({ inputTokens: 1000, outputTokens: 10 }, { input: 2.5, output: 10 }, { batch: true }); // 0.0013
 * ```
 */
export function callCost(usage: { inputTokens: number; outputTokens: number }, price: Price | undefined, options: { batch?: boolean } = {}): number {
  if (!price) return 0;
  const share = options.batch ? (price.batchDiscount ?? 0.5) : 1;
  return ((usage.inputTokens * price.input + usage.outputTokens * price.output) / 1_000_000) * share;
}
