import type { JsonObject } from "@ual/core";
import type { ProviderDescription } from "@ual/llm";
import type { EvalJudgeOptions } from "./options.ts";

// A verdict with its rationale, whichever API answers: the cost estimate's expected reply length.
const EXPECTED_VERDICT_TOKENS = 150;

/** What a judge provider says of its request that comes from the options rather than its API. */
export function judgeRequest(options: EvalJudgeOptions, params: JsonObject, requestOverheadTokens: number): Omit<ProviderDescription, "name" | "label"> {
  return { model: options.model, params, requestOverheadTokens, expectedOutputTokens: EXPECTED_VERDICT_TOKENS, maxOutputTokens: options.maxOutputTokens };
}
