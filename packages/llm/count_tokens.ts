import type { Tiktoken } from "js-tiktoken/lite";

/** Counts the tokens of a text for one model. */
export interface TokenCounter {
  /** How the count is made: `tiktoken:o200k_base`, `approx:3.5-chars-per-token`, ... */
  method: string;
  count(text: string): number;
}

/**
 * Characters per token assumed for Claude models. Anthropic publishes no offline tokenizer; its
 * guidance is about 3.5 characters of English per token. Code, non-Latin scripts and newer
 * tokenizers give more tokens, so treat estimates for them as a floor — or run with a small
 * `maxCostUsd` first.
 */
export const CLAUDE_CHARS_PER_TOKEN = 3.5;

type Encoding = "o200k_base" | "cl100k_base";

// Building an encoder parses megabytes of ranks (about half a second): once per process.
const encoders = new Map<Encoding, Promise<Tiktoken>>();

function encoder(encoding: Encoding): Promise<Tiktoken> {
  let found = encoders.get(encoding);
  if (!found) {
    found = (async () => {
      const { Tiktoken } = await import("js-tiktoken/lite");
      const ranks = encoding === "o200k_base" ? await import("js-tiktoken/ranks/o200k_base") : await import("js-tiktoken/ranks/cl100k_base");
      return new Tiktoken(ranks.default);
    })();
    encoders.set(encoding, found);
  }
  return found;
}

/**
 * The tiktoken encoding of an OpenAI model: cl100k for GPT-4 (non-o) and GPT-3.5, o200k for the
 * rest (GPT-4o, GPT-4.1, GPT-5, the o-series, and models this table has not met yet).
 *
 * @example
 * ```ts
 * openaiEncoding("gpt-4-1106-preview"); // "cl100k_base"
 * openaiEncoding("gpt-4.1-mini");       // "o200k_base"
 * ```
 */
export function openaiEncoding(model: string): Encoding {
  return /^(gpt-4(?!o|\.)|gpt-3\.5)/.test(model) ? "cl100k_base" : "o200k_base";
}

/**
 * A token counter for a provider's model: exact BPE counts with js-tiktoken for OpenAI models
 * (o200k_base for GPT-4o, GPT-4.1, GPT-5 and the o-series; cl100k_base for GPT-4 and
 * GPT-3.5), and `ceil(characters / 3.5)` for Claude (see {@linkcode CLAUDE_CHARS_PER_TOKEN}).
 *
 * @example
 * ```ts
 * const counter = await tokenCounterFor("openai", "gpt-4o");
 * counter.count('{"score": 42}'); // 6
 * ```
 */
export async function tokenCounterFor(provider: string, model: string): Promise<TokenCounter> {
  if (provider === "openai") {
    const encoding = openaiEncoding(model);
    const tiktoken = await encoder(encoding);
    return { method: `tiktoken:${encoding}`, count: (text) => tiktoken.encode(text, [], []).length };
  }
  return approximateTokenCounter(CLAUDE_CHARS_PER_TOKEN);
}

/**
 * `ceil(characters / charsPerToken)`, counting code points (an emoji is one character).
 *
 * @example
 * ```ts
 * approximateTokenCounter(3.5).count("Hello, world"); // 4
 * ```
 */
export function approximateTokenCounter(charsPerToken: number): TokenCounter {
  return {
    method: `approx:${charsPerToken}-chars-per-token`,
    count: (text) => {
      let chars = 0;
      for (const _ of text) chars++;
      return Math.ceil(chars / charsPerToken);
    },
  };
}
