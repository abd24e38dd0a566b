import type { JsonObject } from "@ual/core";
import { type ApiConnection, type BatchApi, type BatchResult, jsonSchemaResponseFormat, openaiChatParams, openaiClientOptions, type RatingProvider, userMessageRequest } from "@ual/llm";
import { OpenAI, toFile } from "openai";
import type { UncertaintyOpenaiOptions } from "./options.ts";
import { readCompletion } from "./read_completion.ts";

/** How the plugin reaches the API (base URL unset: https://api.openai.com/v1). */
export type OpenAIConnection = ApiConnection;

/** The JSON schema of a rating, for structured outputs. */
export const SCORE_SCHEMA: JsonObject = {
  type: "object",
  properties: { score: { type: "integer", description: "The rating, a whole number from 0 to 99." } },
  required: ["score"],
  additionalProperties: false,
};

// Message framing (about 7 tokens) plus what a response schema adds to the prompt; an estimate.
const OVERHEAD = { json_schema: 60, json_object: 10, text: 7 } as const;

/**
 * The OpenAI side of the rating: one chat completion per sample (a single user message), with a
 * JSON-schema response format by default and optional logprobs; batches through the Files and
 * Batches APIs. The SDK's own retries are off: the elicitor retries, so that one policy (and one
 * rate limiter) governs every attempt.
 *
 * @example
 * ```ts
 * const provider = createOpenAIProvider(uncertaintyOpenaiOptions.parse({ model: "gpt-4.1" }), { apiKey, baseURL: undefined });
 * const reply = await provider.rate(prompt, { signal, timeoutMs: 60_000 });
 * ```
 */
export function createOpenAIProvider(options: UncertaintyOpenaiOptions, connection: OpenAIConnection): RatingProvider {
  let client: OpenAI | undefined;
  // Made on first use, so that `ual estimate` (which calls nothing) needs no key.
  const api = () => (client ??= new OpenAI(openaiClientOptions(connection)));

  const params = openaiChatParams(options, {
    ...(options.responseFormat === "json_schema"
      ? jsonSchemaResponseFormat("uncertainty_rating", SCORE_SCHEMA)
      : options.responseFormat === "json_object"
        ? { response_format: { type: "json_object" } }
        : {}),
    ...(options.logprobs ? { logprobs: true, top_logprobs: options.topLogprobs } : {}),
  });
  const body = (prompt: string) => userMessageRequest(options.model, prompt, params);
  const read = (completion: unknown) => readCompletion(completion, { logprobs: options.logprobs });

  const batch: BatchApi = {
    async submit(requests, { signal }) {
      const lines = requests.map((r) => JSON.stringify({ custom_id: r.customId, method: "POST", url: "/v1/chat/completions", body: body(r.prompt) }));
      const file = await api().files.create({ file: await toFile(Buffer.from(`${lines.join("\n")}\n`), "ual-ratings.jsonl"), purpose: "batch" }, { signal });
      const created = await api().batches.create({ input_file_id: file.id, endpoint: "/v1/chat/completions", completion_window: "24h", metadata: { created_by: "ual" } }, { signal });
      return created.id;
    },
    async check(batchId, { signal }) {
      const found = await api().batches.retrieve(batchId, { signal });
      const ended = ["completed", "failed", "expired", "cancelled"].includes(found.status);
      return { ended, status: found.status };
    },
    async *results(batchId, { signal }): AsyncIterable<BatchResult> {
      const found = await api().batches.retrieve(batchId, { signal });
      for (const fileId of [found.output_file_id, found.error_file_id]) {
        if (!fileId) continue;
        const text = await (await api().files.content(fileId, { signal })).text();
        for (const line of text.split("\n")) {
          if (line.trim() === "") continue;
          yield resultLine(JSON.parse(line) as OutputLine, read);
        }
      }
    },
  };

  return {
    name: "openai",
    label: "OpenAI",
    model: options.model,
    params,
    requestOverheadTokens: OVERHEAD[options.responseFormat],
    expectedOutputTokens: options.responseFormat === "text" ? 16 : 8,
    maxOutputTokens: options.maxOutputTokens,
    async rate(prompt, { signal, timeoutMs }) {
      const completion = await api().chat.completions.create(body(prompt) as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming, { signal, timeout: timeoutMs });
      return read(completion);
    },
    batch,
  };
}

interface OutputLine {
  custom_id: string;
  response?: { status_code: number; body: unknown } | null;
  error?: { code?: string; message?: string } | null;
}

function resultLine(line: OutputLine, read: (completion: unknown) => ReturnType<typeof readCompletion>): BatchResult {
  if (line.response && line.response.status_code === 200) {
    try {
      return { customId: line.custom_id, reply: read(line.response.body) };
    } catch (error) {
      return { customId: line.custom_id, error: error instanceof Error ? error.message : String(error) };
    }
  }
  const status = line.response?.status_code;
  const message = (line.response?.body as { error?: { message?: string } } | undefined)?.error?.message ?? line.error?.message ?? "no response";
  return { customId: line.custom_id, error: `${status ? `${status}: ` : ""}${message}` };
}
