/**
 * `@ual/eval-nll`: held-out negative log-likelihood per token, per subset.
 *
 * @module
 */
export * from "./fit_to_context.ts";
export * from "./per_token_nll.ts";
export * from "./plugin.ts";
export * from "./raw_text_record.ts";
