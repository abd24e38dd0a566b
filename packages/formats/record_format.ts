/**
 * The record shapes UAL reads from data files, plus `"auto"` (detect the shape per record).
 *
 * | format          | record                                                        |
 * |-----------------|---------------------------------------------------------------|
 * | `sharegpt`      | `{conversations: [{from, value}]}` (ShareGPT, Deita)          |
 * | `lima`          | `{conversations: string[]}`, alternating user/assistant       |
 * | `openai`        | `{messages: [{role, content}]}` (OpenAI chat fine-tuning)     |
 * | `alpaca`        | `{instruction, input?, output}`                               |
 * | `self-instruct` | `{instruction, instances: [{input, output}]}` (seed tasks)    |
 * | `mt-bench`      | `{question_id, category, turns: string[]}` (questions only)   |
 * | `ual`           | `{id, turns: [{role, content}], metadata?}` (UAL's own form)  |
 * | `qa`            | `{question, answer}` (GSM8K and many QA sets)                 |
 */
export const RECORD_FORMATS = [
  "auto",
  "sharegpt",
  "lima",
  "openai",
  "alpaca",
  "self-instruct",
  "mt-bench",
  "ual",
  "qa",
] as const;

/** A record shape, or `"auto"` to detect it per record. See {@linkcode RECORD_FORMATS}. */
export type RecordFormat = (typeof RECORD_FORMATS)[number];

/** A concrete record shape: what `"auto"` detects. */
export type RecordShape = Exclude<RecordFormat, "auto">;
