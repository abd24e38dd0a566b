/**
 * `@ual/formats`: the data-file formats UAL reads (ShareGPT, LIMA, OpenAI chat, Alpaca,
 * self-instruct, MT-bench, question/answer and UAL's own samples), the reading of JSONL and
 * JSON-array files into samples, and a deterministic held-out split by sample id. Shared by the
 * JSONL source and the evaluators' data, so that both read a file the same way.
 *
 * @module
 */
export * from "./record_format.ts";
export * from "./normalize_record.ts";
export * from "./invalid_record_error.ts";
export * from "./read_samples.ts";
export * from "./count_records.ts";
export * from "./held_out_split.ts";
export * from "./data_options.ts";
