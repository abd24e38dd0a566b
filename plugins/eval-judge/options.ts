import { z } from "@ual/core";
import { requestOptionFields } from "@ual/llm";

/** The `with:` block of the `@ual/eval-judge` stage in a manifest. */
export const evalJudgeOptions = z.strictObject({
  /** The judge's API: `openai` (structured outputs) or `anthropic` (a forced tool call). */
  provider: z.enum(["openai", "anthropic"]),
  /** The judging model, e.g. `gpt-4.1` or `claude-sonnet-4-5` (the paper's judge was `gpt-4-1106-preview`). */
  model: z.string().min(1),
  /** The questions: JSONL of MT-bench's `{question_id, category, turns}` or `{id, prompt, category?}` (relative to the manifest). */
  prompts: z.string().min(1),
  /** Model A's answers (the model under test): JSONL of `{id, response}` or MT-bench's `{question_id, choices: [{turns}]}`; default: the `responses` artifact of an earlier stage. */
  responses: z.string().min(1).optional(),
  /** Model B's answers (the baseline), in the same formats. */
  baseline: z.string().min(1),
  /** `first`: judge the first turn of each question (default); `all`: judge the whole multi-turn exchange. */
  turns: z.enum(["first", "all"]).default("first"),
  /** Names of the two models for reports. */
  labels: z
    .strictObject({ a: z.string().min(1).default("responses"), b: z.string().min(1).default("baseline") })
    .default({ a: "responses", b: "baseline" }),
  /** The per-question verdicts' file in the run directory. */
  output: z.string().regex(/^(?!\.\.?$)[^/\\]+$/, "a file name, without a directory").default("judge.jsonl"),
  /** Judge at most this many questions (the first ones of `prompts`). */
  limit: z.int().positive().optional(),
  /** A judge template file with `{question}`, `{answer_a}` and `{answer_b}` (and optionally `{fence}`), instead of the built-in prompt. */
  promptFile: z.string().min(1).optional(),
  /** `structured` (default): OpenAI's JSON schema or Claude's forced `record_verdict` tool; `text`: free text, read by spec §6.4's rule (for a template that asks for `### Judgment: 1|2|3`). */
  answer: z.enum(["structured", "text"]).default("structured"),
  /** The most a reply may use; a rationale and a verdict take about 150. Raise it for reasoning models. */
  maxOutputTokens: z.int().positive().default(1024),
  /** OpenAI only: `max_completion_tokens` (current API) or `max_tokens` (older models, compatible servers). */
  maxTokensParam: z.enum(["max_completion_tokens", "max_tokens"]).default("max_completion_tokens"),
  /** OpenAI only: the sampling seed (best effort determinism). */
  seed: z.int().optional(),
  ...requestOptionFields,
});

/** The options of `@ual/eval-judge`, defaults applied. */
export type EvalJudgeOptions = z.output<typeof evalJudgeOptions>;
