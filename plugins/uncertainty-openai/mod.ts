/**
 * `@ual/uncertainty-openai`: a UAL uncertainty estimator in which an OpenAI model rates each
 * sample on the project's 0–99 rubric, built on `@ual/llm`.
 *
 * @module
 */
export * from "./options.ts";
export * from "./read_completion.ts";
export * from "./openai_provider.ts";
export * from "./plugin.ts";
