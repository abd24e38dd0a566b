/**
 * `@ual/eval-judge`: a UAL evaluator in which an LLM judge (OpenAI or Claude) compares two
 * models' answers in both orders, built on `@ual/llm`'s judge; it can write model A's answers
 * itself with the model the run trained.
 *
 * @module
 */
export * from "./options.ts";
export * from "./judge_connection.ts";
export * from "./answer_from_completion.ts";
export * from "./answer_from_message.ts";
export * from "./openai_judge_provider.ts";
export * from "./anthropic_judge_provider.ts";
export * from "./read_questions.ts";
export * from "./read_answers.ts";
export * from "./pair_answers.ts";
export * from "./answer_questions.ts";
export * from "./answers_jsonl.ts";
export * from "./judge_record.ts";
export * from "./judge_events.ts";
export * from "./plugin.ts";
