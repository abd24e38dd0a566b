import { jsonSchemaResponseFormat, openaiChatParams, openaiClientOptions, userMessageRequest, VERDICT_SCHEMA, VERDICT_TOOL_NAME, type JudgeProvider } from "@ual/llm";
import { OpenAI } from "openai";
import { answerFromCompletion } from "./answer_from_completion.ts";
import type { JudgeConnection } from "./judge_connection.ts";
import { judgeRequest } from "./_judge_request.ts";
import type { EvalJudgeOptions } from "./options.ts";

// Message framing (about 7 tokens) plus what the verdict schema adds to the prompt; an estimate.
const OVERHEAD = { structured: 80, text: 7 } as const;

/**
 * The OpenAI side of the judge: one chat completion per judgment (a single user message), with
 * the verdict's JSON schema as a strict structured output unless `answer: text`. The SDK's own
 * retries are off: the judge's request path retries, so that one policy and one rate limiter
 * govern every attempt.
 *
 * @example
 * ```ts
 * const provider = createOpenAIJudgeProvider(evalJudgeOptions.parse({ provider: "openai", model: "gpt-4.1", prompts, baseline }), { apiKey, baseURL: undefined });
 * ```
 */
export function createOpenAIJudgeProvider(options: EvalJudgeOptions, connection: JudgeConnection): JudgeProvider {
  let client: OpenAI | undefined;
  const api = () => (client ??= new OpenAI(openaiClientOptions(connection)));
  const params = openaiChatParams(options, options.answer === "structured" ? jsonSchemaResponseFormat(VERDICT_TOOL_NAME, VERDICT_SCHEMA) : {});
  return {
    name: "openai",
    label: "OpenAI",
    ...judgeRequest(options, params, OVERHEAD[options.answer]),
    async judge(prompt, { signal, timeoutMs }) {
      const body = userMessageRequest(options.model, prompt, params) as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming;
      return answerFromCompletion(await api().chat.completions.create(body, { signal, timeout: timeoutMs }));
    },
  };
}
