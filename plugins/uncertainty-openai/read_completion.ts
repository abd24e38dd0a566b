import type { JsonValue } from "@ual/core";
import { expectedScore, MalformedReplyError, parseScore, type RatingReply } from "@ual/llm";
import { scoreTokenAlternatives, type ContentToken } from "./_score_token.ts";

interface Completion {
  choices?: Array<{
    message?: { content?: string | null; refusal?: string | null } | null;
    finish_reason?: string | null;
    logprobs?: { content?: ContentToken[] | null } | null;
  }>;
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
}

/**
 * Reads a chat completion (a synchronous reply or one line of a batch's output) into a score:
 * the JSON `{"score": n}` (or free text, by spec §1.3's rules), or with `logprobs` the
 * probability-weighted expected score over the score token's alternatives. A refusal, an empty
 * reply or a score outside 0–99 gives `null` with the reason; a completion without choices is
 * malformed (retried, like a truncated body).
 *
 * @example
 * ```ts
 * readCompletion({ choices: [{ message: { content: '{"score": 42}' } }], usage: { prompt_tokens: 500, completion_tokens: 6 } });
 * // { score: 42, inputTokens: 500, outputTokens: 6, raw: { content: '{"score": 42}', ... } }
 * ```
 */
export function readCompletion(completion: unknown, options: { logprobs?: boolean } = {}): RatingReply {
  const body = (completion ?? {}) as Completion;
  const choice = Array.isArray(body.choices) ? body.choices[0] : undefined;
  if (!choice || !choice.message) throw new MalformedReplyError("the completion has no choices[0].message");
  const content = choice.message.content ?? null;
  const refusal = choice.message.refusal ?? null;
  const finish = choice.finish_reason ?? null;
  const usage = { inputTokens: body.usage?.prompt_tokens ?? 0, outputTokens: body.usage?.completion_tokens ?? 0 };
  const alternatives = options.logprobs && choice.logprobs?.content ? scoreTokenAlternatives(choice.logprobs.content) : undefined;
  const raw: { [key: string]: JsonValue } = { content, finish_reason: finish };
  if (refusal) raw.refusal = refusal;
  if (alternatives) raw.score_logprobs = alternatives.map((a) => ({ token: a.token, logprob: a.logprob }));
  if (refusal) return { raw, score: null, reason: `refused: ${refusal.slice(0, 120)}`, ...usage };
  const parsed = parseScore(content ?? "");
  if (parsed.score === null) {
    const cut = finish === "length" ? " (the reply hit maxOutputTokens)" : "";
    return { raw, score: null, reason: `${parsed.reason}${cut}`, ...usage };
  }
  if (alternatives) {
    const expected = expectedScore(alternatives);
    if (expected) return { raw, score: expected.score, ...usage };
  }
  return { raw, score: parsed.score, ...usage };
}
