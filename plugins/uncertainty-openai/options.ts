import { z } from "@ual/core";
import { elicitOptionFields } from "@ual/llm";

/** The `with:` block of the `@ual/uncertainty-openai` stage in a manifest. */
export const uncertaintyOpenaiOptions = z.strictObject({
  /** The model that rates, e.g. `gpt-4.1` or the paper's `gpt-4-1106-preview`. */
  model: z.string().min(1),
  ...elicitOptionFields,
  /** The most a reply may use; `{"score": 42}` takes about 6 tokens. Raise it for reasoning models (o-series, gpt-5), whose hidden reasoning counts. */
  maxOutputTokens: z.int().positive().default(32),
  /** `json_schema` (structured outputs, default), `json_object` (older models) or `text` (free text; parsed by spec §1.3's rules). */
  responseFormat: z.enum(["json_schema", "json_object", "text"]).default("json_schema"),
  /** Ask for the top logprobs of the score's token and report the probability-weighted expected score instead of the sampled one. */
  logprobs: z.boolean().default(false),
  /** How many alternatives `logprobs` asks for (the API allows up to 20). */
  topLogprobs: z.int().min(1).max(20).default(20),
  /** The sampling seed (best effort determinism on OpenAI's side). */
  seed: z.int().optional(),
  /** The name of the reply-length parameter: `max_completion_tokens` (current API) or `max_tokens` (older, and many OpenAI-compatible servers). */
  maxTokensParam: z.enum(["max_completion_tokens", "max_tokens"]).default("max_completion_tokens"),
});

/** The options of `@ual/uncertainty-openai`, defaults applied. */
export type UncertaintyOpenaiOptions = z.output<typeof uncertaintyOpenaiOptions>;
