/**
 * `@ual/testbed`: a seeded generator of instruction→answer samples whose truth is known — low-entropy
 * tasks with one correct answer, high-entropy tasks with a known answer distribution per prompt —
 * and the helpers evaluators check answers against that truth. The `@ual/source-testbed` plugin and
 * the evaluators share it.
 *
 * @module
 */
export * from "./testbed_prompt.ts";
export * from "./entropy_nats.ts";
export * from "./task_families.ts";
export * from "./testbed_prompts.ts";
export * from "./answer_distribution.ts";
export * from "./normalize_answer.ts";
export * from "./is_valid_answer.ts";
export * from "./generate_testbed.ts";
export * from "./testbed_multiple_choice.ts";
