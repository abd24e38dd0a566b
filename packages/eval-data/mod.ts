/**
 * `@ual/eval-data`: where UAL's evaluators read their held-out samples from, and how they group them.
 *
 * @module
 */
export * from "./eval_data.ts";
// The testbed's own answer normalisation, so that evaluators judge validity exactly as the testbed defines it.
export { normalizeAnswer } from "@ual/testbed";
