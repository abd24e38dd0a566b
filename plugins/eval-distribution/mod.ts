/**
 * `@ual/eval-distribution`: does the model's answer distribution on the testbed's high-entropy
 * prompts match the truth? Validity, diversity, and KL(true ‖ model) over the valid answers.
 *
 * @module
 */
export * from "./kl_over_valid_answers.ts";
export * from "./answer_diversity.ts";
export * from "./plugin.ts";
