/**
 * `@ual/llm`: what UAL's LLM plugins share — the versioned rubric and prompt templates,
 * conversation rendering that resists injected instructions, score parsing (spec §1.3), the
 * SQLite reply cache, rate limiting, retries with backoff, prices, token counts, cost estimates
 * and budgets, the elicitor that ties them around a provider's single call, and the pairwise
 * judge (spec §6.4, §9) on the same request path.
 *
 * @module
 */
export * from "./conversation_hash.ts";
export * from "./render_conversation.ts";
export * from "./prompt_template.ts";
export * from "./rubric.ts";
export * from "./render_prompt.ts";
export * from "./parse_score.ts";
export * from "./expected_score.ts";
export * from "./cache_key.ts";
export * from "./reply_cache.ts";
export * from "./rate_limiter.ts";
export * from "./retry.ts";
export * from "./classify_failure.ts";
export * from "./malformed_reply_error.ts";
export * from "./scrub_secrets.ts";
export * from "./prices.ts";
export * from "./count_tokens.ts";
export * from "./budget.ts";
export * from "./provider_description.ts";
export * from "./rating_provider.ts";
export * from "./request_settings.ts";
export * from "./api_connection.ts";
export * from "./user_message_request.ts";
export * from "./openai_chat_request.ts";
export * from "./anthropic_messages_request.ts";
export * from "./estimate_cost.ts";
export * from "./format_cost_estimate.ts";
export * from "./request_options.ts";
export * from "./elicit_options.ts";
export * from "./create_elicitor.ts";
export * from "./elicitor_from_options.ts";
export * from "./verdict_schema.ts";
export * from "./parse_verdict.ts";
export * from "./judge_pair.ts";
export * from "./judge_template.ts";
export * from "./judge_prompt.ts";
export * from "./render_judge_prompt.ts";
export * from "./judge_cache_key.ts";
export * from "./combine_orders.ts";
export * from "./judge_provider.ts";
export * from "./create_judge.ts";
export * from "./tally_judgments.ts";
export * from "./judge_from_options.ts";
export * from "./claude_message.ts";
