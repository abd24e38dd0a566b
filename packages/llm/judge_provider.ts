import type { ProviderDescription } from "./provider_description.ts";
import type { RateCallOptions } from "./rating_provider.ts";

/** One answer of a judge, as the API gave it (not yet read as a verdict). */
export interface JudgeAnswer {
  /** The answer's text: the message content, or the forced tool call's input as JSON. */
  text: string;
  /** The model declined to answer (OpenAI's `refusal`, Claude's `stop_reason: "refusal"`): what it said. */
  refusal?: string;
  /** Why the reply ended, as the API says it (`stop`, `length`, `tool_use`, `max_tokens`, ...). */
  stop?: string | null;
  /** The reply was cut off at `maxOutputTokens`. */
  truncated?: boolean;
  inputTokens: number;
  outputTokens: number;
}

/**
 * What a plugin tells the judge about its API: how to make one judging call and return the
 * answer's text. Reading the verdict, the prompt, cache, limits, retries, cost and budget are
 * {@linkcode createJudge}'s.
 */
export interface JudgeProvider extends ProviderDescription {
  /** One call. Throws the SDK's errors; {@linkcode classifyFailure} sorts them. */
  judge(prompt: string, options: RateCallOptions): Promise<JudgeAnswer>;
}
