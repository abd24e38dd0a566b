import type { JsonObject } from "@ual/core";
import type { ApiConnection } from "./api_connection.ts";

/** The options an OpenAI chat request takes from a plugin's validated `with:` block. */
export interface OpenAIChatSettings {
  /** `max_completion_tokens` (current API) or `max_tokens` (older, and many compatible servers). */
  maxTokensParam: "max_completion_tokens" | "max_tokens";
  maxOutputTokens: number;
  /** Null: the API's default. */
  temperature: number | null;
  topP?: number | undefined;
  seed?: number | undefined;
}

/**
 * The request parameters of an OpenAI chat completion: the reply's length, then the sampling
 * settings that are set, then `answerParams` (response format, logprobs). The object is part of
 * every cache key, so a setting left unset is left out rather than sent as null.
 *
 * @example
 * ```ts
 * openaiChatParams({ maxTokensParam: "max_completion_tokens", maxOutputTokens: 32, temperature: 0 }, { response_format: { type: "json_object" } });
 * // { max_completion_tokens: 32, temperature: 0, response_format: { type: "json_object" } }
 * ```
 */
export function openaiChatParams(settings: OpenAIChatSettings, answerParams: JsonObject = {}): JsonObject {
  return {
    [settings.maxTokensParam]: settings.maxOutputTokens,
    ...(settings.temperature !== null ? { temperature: settings.temperature } : {}),
    ...(settings.topP !== undefined ? { top_p: settings.topP } : {}),
    ...(settings.seed !== undefined ? { seed: settings.seed } : {}),
    ...answerParams,
  };
}

/**
 * A strict structured-output `response_format`: the reply must be JSON matching `schema`.
 *
 * @example
 * ```ts
 * jsonSchemaResponseFormat("uncertainty_rating", SCORE_SCHEMA);
 * // { response_format: { type: "json_schema", json_schema: { name: "uncertainty_rating", strict: true, schema: SCORE_SCHEMA } } }
 * ```
 */
export function jsonSchemaResponseFormat(name: string, schema: JsonObject): JsonObject {
  return { response_format: { type: "json_schema", json_schema: { name, strict: true, schema } } };
}

/**
 * The OpenAI client's options for a connection. The SDK's own retries are off: the request path
 * retries, so that one policy and one rate limiter govern every attempt.
 *
 * @example
 * ```ts
 * const client = new OpenAI(openaiClientOptions({ apiKey, baseURL: undefined }));
 * ```
 */
export function openaiClientOptions(connection: ApiConnection): { apiKey: string | undefined; baseURL: string | null; maxRetries: 0 } {
  // null, not undefined: given undefined the SDK reads OPENAI_BASE_URL itself, and the stage's secrets decide the endpoint.
  return { apiKey: connection.apiKey, baseURL: connection.baseURL ?? null, maxRetries: 0 };
}
