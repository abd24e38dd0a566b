import type { JsonObject, Turn } from "@ual/core";
import { sha256 } from "./_sha256.ts";
import { stableJson } from "./_stable_json.ts";
import { conversationHash } from "./conversation_hash.ts";
import type { PromptTemplate } from "./prompt_template.ts";
import type { ConversationFormat } from "./render_conversation.ts";

/** Everything besides the dialogue that decides what a rater answers. */
export interface RatingSetup {
  /** `openai`, `anthropic`, ... */
  provider: string;
  model: string;
  template: PromptTemplate;
  conversationFormat: ConversationFormat;
  /** Sampling and answer-format parameters (temperature, top_p, max tokens, response format, logprobs, ...). */
  params: JsonObject;
}

// Bump when the meaning of a cached entry changes, so that old entries are never misread.
const KEY_SCHEMA = 1;

/**
 * The cache key of one rating: SHA-256 over the provider, model, prompt version and text,
 * conversation format, sampling parameters (key order does not matter) and the dialogue's hash.
 * Changing any of them asks again; nothing else (sample ids, metadata, run) does.
 *
 * @example
 * ```ts
 * const key = cacheKey(setup, sample.turns); // 64 hex digits; also the batch custom_id
 * ```
 */
export function cacheKey(setup: RatingSetup, turns: readonly Turn[]): string {
  return sha256(`${setupDigest(setup)}:${conversationHash(turns)}`);
}

// Hashing the whole prompt text for every sample would cost more than the rest of the key; a
// setup is digested once (setups are not changed after they are made).
const digests = new WeakMap<RatingSetup, string>();

function setupDigest(setup: RatingSetup): string {
  let digest = digests.get(setup);
  if (digest === undefined) {
    digest = sha256(
      stableJson({
        schema: KEY_SCHEMA,
        provider: setup.provider,
        model: setup.model,
        promptVersion: setup.template.version,
        prompt: setup.template.text,
        format: setup.conversationFormat,
        params: setup.params,
      }),
    );
    digests.set(setup, digest);
  }
  return digest;
}
