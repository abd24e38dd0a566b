import { anthropicClientOptions, anthropicMessagesParams, type ClaudeTool, forcedTool, userMessageRequest, VERDICT_SCHEMA, VERDICT_TOOL_NAME, type JudgeProvider } from "@ual/llm";
import { Anthropic } from "@anthropic-ai/sdk";
import { answerFromMessage } from "./answer_from_message.ts";
import type { JudgeConnection } from "./judge_connection.ts";
import { judgeRequest } from "./_judge_request.ts";
import type { EvalJudgeOptions } from "./options.ts";

/** The tool Claude is made to call; its input schema is the verdict's. */
export const VERDICT_TOOL: ClaudeTool = {
  name: VERDICT_TOOL_NAME,
  description: "Record which of the two answers is better (A, B or tie) and why.",
  input_schema: VERDICT_SCHEMA,
};

// Anthropic's tool-use system prompt (about 350 tokens with a forced tool) plus the tool's own
// definition and the message framing; Anthropic documents the first, the rest is an estimate.
const OVERHEAD = { structured: 480, text: 10 } as const;

/**
 * The Anthropic side of the judge: one Messages call per judgment with a forced
 * `record_verdict` tool call whose input schema is `{rationale, verdict}` (or free text with
 * `answer: text`). The SDK's own retries are off: the judge's request path retries (429, 5xx and
 * 529 "overloaded").
 *
 * @example
 * ```ts
 * const provider = createAnthropicJudgeProvider(evalJudgeOptions.parse({ provider: "anthropic", model: "claude-sonnet-4-5", prompts, baseline }), { apiKey, baseURL: undefined });
 * ```
 */
export function createAnthropicJudgeProvider(options: EvalJudgeOptions, connection: JudgeConnection): JudgeProvider {
  let client: Anthropic | undefined;
  const api = () => (client ??= new Anthropic(anthropicClientOptions(connection)));
  const params = anthropicMessagesParams(options, options.answer === "structured" ? forcedTool(VERDICT_TOOL) : {});
  return {
    name: "anthropic",
    label: "Anthropic",
    ...judgeRequest(options, params, OVERHEAD[options.answer]),
    async judge(prompt, { signal, timeoutMs }) {
      const body = userMessageRequest(options.model, prompt, params) as unknown as Anthropic.MessageCreateParamsNonStreaming;
      return answerFromMessage(await api().messages.create(body, { signal, timeout: timeoutMs }));
    },
  };
}
