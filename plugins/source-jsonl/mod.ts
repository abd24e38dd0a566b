/**
 * `@ual/source-jsonl`: a UAL source that streams samples from JSONL (or JSON-array) files in
 * ShareGPT, LIMA, OpenAI chat, Alpaca, self-instruct, MT-bench or question/answer shape.
 *
 * @module
 */
export * from "./record_format.ts";
export * from "./normalize_record.ts";
export * from "./invalid_record_error.ts";
export * from "./read_samples.ts";
export * from "./options.ts";
export * from "./plugin.ts";
