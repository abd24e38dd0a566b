import type { JsonObject } from "@ual/core";
import type { ApiConnection } from "./api_connection.ts";

/** The options an Anthropic Messages request takes from a plugin's validated `with:` block. */
export interface AnthropicMessagesSettings {
  maxOutputTokens: number;
  /** Null: the API's default. */
  temperature: number | null;
  topP?: number | undefined;
}

/**
 * The request parameters of an Anthropic Messages call: `max_tokens`, the sampling settings that
 * are set, then `answerParams` (a forced tool). The object is part of every cache key, so a
 * setting left unset is left out rather than sent as null.
 *
 * @example
 * ```ts
 * anthropicMessagesParams({ maxOutputTokens: 100, temperature: 0 }, forcedTool(SCORE_TOOL_DEFINITION));
 * // { max_tokens: 100, temperature: 0, tools: [...], tool_choice: { type: "tool", name: "record_score" } }
 * ```
 */
export function anthropicMessagesParams(settings: AnthropicMessagesSettings, answerParams: JsonObject = {}): JsonObject {
  return {
    max_tokens: settings.maxOutputTokens,
    ...(settings.temperature !== null ? { temperature: settings.temperature } : {}),
    ...(settings.topP !== undefined ? { top_p: settings.topP } : {}),
    ...answerParams,
  };
}

/** A tool Claude can be made to call; `input_schema` is the JSON schema of its input. A type, not an interface, so that it is a JsonObject. */
export type ClaudeTool = { name: string; description: string; input_schema: JsonObject };

/**
 * The parameters that make Claude answer by calling `tool` and nothing else: the structured
 * answer of the Messages API.
 *
 * @example
 * ```ts
 * forcedTool({ name: "record_score", description: "…", input_schema: { type: "object" } });
 * // { tools: [{ name: "record_score", … }], tool_choice: { type: "tool", name: "record_score" } }
 * ```
 */
export function forcedTool(tool: ClaudeTool): JsonObject {
  return { tools: [tool], tool_choice: { type: "tool", name: tool.name } };
}

/**
 * The Anthropic client's options for a connection. The SDK's own retries are off: the request
 * path retries (429, 5xx and 529 "overloaded"), so that one policy and one rate limiter govern
 * every attempt.
 *
 * @example
 * ```ts
 * const client = new Anthropic(anthropicClientOptions({ apiKey, baseURL: undefined }));
 * ```
 */
export function anthropicClientOptions(connection: ApiConnection): { apiKey: string | null; authToken: null; baseURL: string | null; maxRetries: 0 } {
  // null, not undefined: given undefined the SDK reads ANTHROPIC_API_KEY / ANTHROPIC_BASE_URL itself,
  // and a stray ANTHROPIC_AUTH_TOKEN in the environment would be sent along with the key.
  return { apiKey: connection.apiKey ?? null, authToken: null, baseURL: connection.baseURL ?? null, maxRetries: 0 };
}
