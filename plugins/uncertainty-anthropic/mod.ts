/**
 * `@ual/uncertainty-anthropic`: a UAL uncertainty estimator in which a Claude model rates each
 * sample on the project's 0–99 rubric, built on `@ual/llm`.
 *
 * @module
 */
export * from "./options.ts";
export * from "./read_message.ts";
export * from "./anthropic_provider.ts";
export * from "./plugin.ts";
