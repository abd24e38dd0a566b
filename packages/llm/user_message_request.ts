import type { JsonObject } from "@ual/core";

/** A request body with one user message: what the rater and the judge send, on either API. */
export interface UserMessageRequest {
  model: string;
  messages: Array<{ role: "user"; content: string }>;
  [param: string]: unknown;
}

/**
 * The body of a call that asks `prompt` as the single user message, with the provider's request
 * parameters. Both the OpenAI chat and the Anthropic Messages APIs take this shape.
 *
 * @example
 * ```ts
 * userMessageRequest("gpt-4.1", "Rate this.", { temperature: 0 });
 * // { model: "gpt-4.1", messages: [{ role: "user", content: "Rate this." }], temperature: 0 }
 * ```
 */
export function userMessageRequest(model: string, prompt: string, params: JsonObject): UserMessageRequest {
  return { model, messages: [{ role: "user", content: prompt }], ...params };
}
