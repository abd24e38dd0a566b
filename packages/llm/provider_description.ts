import type { JsonObject } from "@ual/core";

/**
 * What a plugin's provider says about its API and request, whether it rates
 * ({@linkcode RatingProvider}) or judges ({@linkcode JudgeProvider}): enough for the cache key,
 * messages, rate limits and cost estimates.
 */
export interface ProviderDescription {
  /** `openai`, `anthropic`: part of the cache key and of each answer's `source`. */
  readonly name: string;
  /** For messages: `OpenAI`, `Anthropic`. */
  readonly label: string;
  readonly model: string;
  /** The request parameters that shape the answer (part of the cache key). */
  readonly params: JsonObject;
  /** Tokens every request adds to the prompt (message framing, response schema, tool definitions). */
  readonly requestOverheadTokens: number;
  /** Tokens a well-formed answer takes, for cost estimates. */
  readonly expectedOutputTokens: number;
  /** The most a reply may use (`max_tokens`): a call's worst case. */
  readonly maxOutputTokens: number;
}
