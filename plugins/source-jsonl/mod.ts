/**
 * `@ual/source-jsonl`: a UAL source that streams samples from JSONL (or JSON-array) files in
 * ShareGPT, LIMA, OpenAI chat, Alpaca, self-instruct, MT-bench or question/answer shape. The
 * reading itself (`readSamples`, `normalizeRecord`, the held-out split) lives in `@ual/formats`.
 *
 * @module
 */
export * from "./options.ts";
export * from "./plugin.ts";
