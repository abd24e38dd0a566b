import { anthropicClientOptions, anthropicMessagesParams, type ApiConnection, type BatchApi, type BatchResult, type ClaudeTool, forcedTool, type RatingProvider, userMessageRequest } from "@ual/llm";
import { Anthropic } from "@anthropic-ai/sdk";
import type { UncertaintyAnthropicOptions } from "./options.ts";
import { readMessage, SCORE_TOOL } from "./read_message.ts";

/** How the plugin reaches the API (base URL unset: https://api.anthropic.com). */
export type AnthropicConnection = ApiConnection;

/** The tool Claude is made to call; its input schema is the answer's. */
export const SCORE_TOOL_DEFINITION: ClaudeTool = {
  name: SCORE_TOOL,
  description: "Record the rating of the conversation: a whole number from 0 to 99.",
  input_schema: {
    type: "object",
    properties: { score: { type: "integer", minimum: 0, maximum: 99, description: "The rating, a whole number from 0 to 99." } },
    required: ["score"],
  },
};

// Anthropic's tool-use system prompt (about 350 tokens with a forced tool) plus the tool's own
// definition and the message framing; Anthropic documents the first, the rest is an estimate.
const TOOL_OVERHEAD = 430;
const TEXT_OVERHEAD = 10;

/**
 * The Anthropic side of the rating: one Messages call per sample with a forced `record_score`
 * tool call whose input schema is `{score}`; batches through Message Batches. The SDK's own
 * retries are off: the elicitor retries (429, 5xx and 529 "overloaded"), so that one policy and
 * one rate limiter govern every attempt.
 *
 * @example
 * ```ts
 * const provider = createAnthropicProvider(uncertaintyAnthropicOptions.parse({ model: "claude-sonnet-4-5" }), { apiKey, baseURL: undefined });
 * ```
 */
export function createAnthropicProvider(options: UncertaintyAnthropicOptions, connection: AnthropicConnection): RatingProvider {
  let client: Anthropic | undefined;
  // Made on first use, so that `ual estimate` (which calls nothing) needs no key.
  const api = () => (client ??= new Anthropic(anthropicClientOptions(connection)));

  const params = anthropicMessagesParams(options, options.answer === "tool" ? forcedTool(SCORE_TOOL_DEFINITION) : {});
  const body = (prompt: string) => userMessageRequest(options.model, prompt, params) as unknown as Anthropic.MessageCreateParamsNonStreaming;

  const batch: BatchApi = {
    async submit(requests, { signal }) {
      const created = await api().messages.batches.create({ requests: requests.map((r) => ({ custom_id: r.customId, params: body(r.prompt) })) }, { signal });
      return created.id;
    },
    async check(batchId, { signal }) {
      const found = await api().messages.batches.retrieve(batchId, {}, { signal });
      return { ended: found.processing_status === "ended", status: found.processing_status };
    },
    async *results(batchId, { signal }): AsyncIterable<BatchResult> {
      for await (const line of await api().messages.batches.results(batchId, {}, { signal })) {
        const { result } = line;
        if (result.type === "succeeded") {
          try {
            yield { customId: line.custom_id, reply: readMessage(result.message) };
          } catch (error) {
            yield { customId: line.custom_id, error: error instanceof Error ? error.message : String(error) };
          }
        } else if (result.type === "errored") {
          yield { customId: line.custom_id, error: `errored: ${result.error.error.message}` };
        } else {
          yield { customId: line.custom_id, error: result.type };
        }
      }
    },
  };

  return {
    name: "anthropic",
    label: "Anthropic",
    model: options.model,
    params,
    requestOverheadTokens: options.answer === "tool" ? TOOL_OVERHEAD : TEXT_OVERHEAD,
    expectedOutputTokens: options.answer === "tool" ? 40 : 16,
    maxOutputTokens: options.maxOutputTokens,
    async rate(prompt, { signal, timeoutMs }) {
      const message = await api().messages.create(body(prompt), { signal, timeout: timeoutMs });
      return readMessage(message);
    },
    batch,
  };
}
