/**
 * `@ual/eval-multiple-choice`: multiple-choice accuracy by choice log-likelihood and by the
 * reference's first-token letter Best-of-N (spec §6.1), on ARC, MMLU, HellaSwag, TruthfulQA mc1,
 * generic JSONL or testbed questions.
 *
 * @module
 */
export * from "./multiple_choice_item.ts";
export * from "./parse_multiple_choice_record.ts";
export * from "./read_multiple_choice_jsonl.ts";
export * from "./shuffle_choices.ts";
export * from "./choice_letter.ts";
export * from "./letter_prompt.ts";
export * from "./letter_token_ids.ts";
export * from "./top_k_softmax.ts";
export * from "./gold_mass.ts";
export * from "./best_of_n.ts";
export * from "./choice_accuracy.ts";
export * from "./options.ts";
export * from "./plugin.ts";
