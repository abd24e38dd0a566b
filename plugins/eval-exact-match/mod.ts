/**
 * `@ual/eval-exact-match`: generate, extract the answer, and score exact-match accuracy per subset.
 *
 * @module
 */
export * from "./extract_answer.ts";
export * from "./accuracy.ts";
export * from "./plugin.ts";
