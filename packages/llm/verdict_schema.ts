import type { JsonObject } from "@ual/core";

/** What a judge may say of two answers: "A" (the answer shown first is better), "B" (the second is), or a tie. */
export type Verdict = "A" | "B" | "tie";

/** The verdicts, for schemas. */
export const VERDICTS = ["A", "B", "tie"] as const satisfies readonly Verdict[];

/** The name of the tool a Claude judge is made to call, and of OpenAI's response schema. */
export const VERDICT_TOOL_NAME = "record_verdict";

/**
 * The JSON schema of a judge's answer, for OpenAI's structured outputs (strict: every property
 * required, no others) and as the input schema of Claude's forced tool. The rationale comes
 * first so that a model writing in order gives its reasons before it decides.
 *
 * @example
 * ```ts
 * const response_format = { type: "json_schema", json_schema: { name: VERDICT_TOOL_NAME, strict: true, schema: VERDICT_SCHEMA } };
 * ```
 */
export const VERDICT_SCHEMA: JsonObject = {
  type: "object",
  properties: {
    rationale: { type: "string", description: "A few sentences comparing the two answers on the three criteria." },
    verdict: { type: "string", enum: [...VERDICTS], description: '"A" if Answer A is better, "B" if Answer B is better, "tie" if neither is.' },
  },
  required: ["rationale", "verdict"],
  additionalProperties: false,
};
