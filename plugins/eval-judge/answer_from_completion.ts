import { MalformedReplyError, type JudgeAnswer } from "@ual/llm";

interface Completion {
  choices?: Array<{
    message?: { content?: string | null; refusal?: string | null } | null;
    finish_reason?: string | null;
  }>;
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
}

/**
 * A chat completion as a judge's answer: the message's text (the JSON verdict, or free text),
 * a refusal, whether it hit the token limit, and the token usage. A completion without
 * `choices[0].message` is malformed (retried, like a truncated body).
 *
 * @example
 * ```ts
 * answerFromCompletion({ choices: [{ message: { content: '{"rationale": "…", "verdict": "A"}' }, finish_reason: "stop" }], usage: { prompt_tokens: 900, completion_tokens: 60 } });
 * // { text: '{"rationale": "…", "verdict": "A"}', stop: "stop", truncated: false, inputTokens: 900, outputTokens: 60 }
 * ```
 */
export function answerFromCompletion(completion: unknown): JudgeAnswer {
  const body = (completion ?? {}) as Completion;
  const choice = Array.isArray(body.choices) ? body.choices[0] : undefined;
  if (!choice || !choice.message) throw new MalformedReplyError("the completion has no choices[0].message");
  const stop = choice.finish_reason ?? null;
  const refusal = choice.message.refusal ?? undefined;
  return {
    text: choice.message.content ?? "",
    ...(refusal ? { refusal } : {}),
    stop,
    truncated: stop === "length",
    inputTokens: body.usage?.prompt_tokens ?? 0,
    outputTokens: body.usage?.completion_tokens ?? 0,
  };
}
