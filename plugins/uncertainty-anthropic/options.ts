import { z } from "@ual/core";
import { elicitOptionFields } from "@ual/llm";

/** The `with:` block of the `@ual/uncertainty-anthropic` stage in a manifest. */
export const uncertaintyAnthropicOptions = z.strictObject({
  /** The Claude model that rates, e.g. `claude-sonnet-4-5`. */
  model: z.string().min(1),
  ...elicitOptionFields,
  /** `max_tokens` of a reply; the forced tool call takes about 40. */
  maxOutputTokens: z.int().positive().default(100),
  /** `tool` (default): a forced call of the `record_score` tool, whose input is `{score}`; `text`: a free-text reply parsed by spec §1.3's rules (for a template that asks for text). */
  answer: z.enum(["tool", "text"]).default("tool"),
});

/** The options of `@ual/uncertainty-anthropic`, defaults applied. */
export type UncertaintyAnthropicOptions = z.output<typeof uncertaintyAnthropicOptions>;
