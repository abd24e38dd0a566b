import { z } from "@ual/core";
import { CONVERSATION_FORMATS } from "./render_conversation.ts";
import { requestOptionFields } from "./request_options.ts";

/**
 * The options both LLM uncertainty plugins share, as zod fields to spread into a plugin's
 * `z.strictObject({...})` (each plugin adds `model`, `maxOutputTokens` and its own): the
 * {@linkcode requestOptionFields} of every paid client, plus the prompt, the conversation format
 * and batch mode. Every default is documented in the plugins' READMEs.
 *
 * @example
 * ```ts
 * const options = z.strictObject({ ...elicitOptionFields, model: z.string().min(1), maxOutputTokens: z.int().positive().default(32) });
 * ```
 */
export const elicitOptionFields = {
  /** A template file with a `{conversation}` placeholder, instead of the built-in rubric. */
  promptFile: z.string().min(1).optional(),
  /** `labelled` (fenced, role-labelled turns; default) or `plain` (the reference `"\n".join`, spec §1.2). */
  conversationFormat: z.enum(CONVERSATION_FORMATS).default("labelled"),
  /** `sync`: one request per sample; `batch`: the provider's batch API, at half price, results within 24 h. */
  mode: z.enum(["sync", "batch"]).default("sync"),
  ...requestOptionFields,
  /** Batch mode: requests per batch. */
  batchSize: z.int().positive().max(50_000).default(10_000),
  /** Batch mode: submit what has gathered after this long without a new sample. */
  batchWindowMs: z.int().positive().default(2_000),
  /** Batch mode: time between status checks. */
  batchPollMs: z.int().positive().default(30_000),
};

const commonSchema = z.strictObject(elicitOptionFields);

/** The shared options after defaults, plus the two every plugin adds. */
export type ElicitOptions = z.output<typeof commonSchema> & { model: string; maxOutputTokens: number };
