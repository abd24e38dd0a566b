import { z } from "@ual/core";
import { requestOptionFields } from "@ual/llm";

const fileName = z.string().regex(/^(?!\.\.?$)[^/\\]+$/, "a file name, without a directory");

/**
 * The `generate:` block of `@ual/eval-judge`: how the judge writes model A's answers itself when
 * it is given a trained model (the `model` artifact) instead of a `responses:` file.
 */
export const answerGenerationOptions = z.strictObject({
  /** The most tokens per answer (per turn); generation also stops at EOS, a `stop` text or the context length. */
  maxNewTokens: z.int().min(1).default(256),
  /** 0 (default) decodes greedily, so a rerun writes the same answers and the judge's cache answers them. */
  temperature: z.number().min(0).default(0),
  /** Sample from the k most likely tokens only (temperature > 0). */
  topK: z.int().min(1).optional(),
  /** Sample from the smallest set of tokens whose probability reaches p (temperature > 0). */
  topP: z.number().gt(0).max(1).optional(),
  /** Seeds the draws when temperature > 0; default the run's seed (`run.seed`). */
  seed: z.int().optional(),
  /** An answer ends before the first of these; the default is where a `{user}` template's next user turn would begin. */
  stop: z.array(z.string().min(1)).default(["\n### User:"]),
  /** Questions answered at once (batches of similar prompt length). */
  batchSize: z.int().min(1).default(8),
  /** The tfjs backend to generate on (see `@ual/nn`'s `selectBackend`). */
  backend: z.enum(["auto", "tensorflow-gpu", "tensorflow", "wasm", "cpu"]).default("auto"),
  /** The answers' file in the run directory, in the `{"id", "response"}` form `responses:` and `baseline:` read. */
  output: fileName.default("responses.jsonl"),
});

/** The `generate:` options, defaults applied. */
export type AnswerGenerationOptions = z.output<typeof answerGenerationOptions>;

/** The `with:` block of the `@ual/eval-judge` stage in a manifest. */
export const evalJudgeOptions = z.strictObject({
  /** The judge's API: `openai` (structured outputs) or `anthropic` (a forced tool call). */
  provider: z.enum(["openai", "anthropic"]),
  /** The judging model, e.g. `gpt-4.1` or `claude-sonnet-4-5` (the paper's judge was `gpt-4-1106-preview`). */
  model: z.string().min(1),
  /** The questions: JSONL of MT-bench's `{question_id, category, turns}` or `{id, prompt, category?}` (relative to the manifest). */
  prompts: z.string().min(1),
  /**
   * Model A's answers (the model under test): JSONL of `{id, response}` or MT-bench's `{question_id, choices: [{turns}]}`.
   * Default: the `responses` artifact of an earlier stage; else the judge generates them with the `model` artifact (a trainer's checkpoint, see `generate`).
   */
  responses: z.string().min(1).optional(),
  /** How model A's answers are generated when they come from the `model` artifact (no `responses:`); see {@linkcode answerGenerationOptions}. */
  generate: answerGenerationOptions.optional(),
  /** Model B's answers (the baseline), in the same formats. */
  baseline: z.string().min(1),
  /** `first`: judge the first turn of each question (default); `all`: judge the whole multi-turn exchange. */
  turns: z.enum(["first", "all"]).default("first"),
  /** Names of the two models for reports. */
  labels: z
    .strictObject({ a: z.string().min(1).default("responses"), b: z.string().min(1).default("baseline") })
    .default({ a: "responses", b: "baseline" }),
  /** The per-question verdicts' file in the run directory. */
  output: fileName.default("judge.jsonl"),
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
}).superRefine((options, ctx) => {
  // Checked with the manifest, before any training: both mistakes would only show after it.
  if (options.responses !== undefined && options.generate !== undefined) {
    ctx.addIssue({ code: "custom", path: ["generate"], message: "generate: applies only when the judge answers with the trained model; remove it, or remove responses: to judge the model the run trains" });
  }
  if (options.generate !== undefined && options.generate.output === options.output) {
    ctx.addIssue({ code: "custom", path: ["generate", "output"], message: `the generated answers would overwrite the verdicts' file ${options.output}; choose another name` });
  }
});

/** The options of `@ual/eval-judge`, defaults applied. */
export type EvalJudgeOptions = z.output<typeof evalJudgeOptions>;
