import type { JsonObject } from "@ual/core";
import { sha256 } from "./_sha256.ts";
import { stableJson } from "./_stable_json.ts";
import { shownAnswers, type AnswerOrder, type JudgePair } from "./judge_pair.ts";
import type { JudgeTemplate } from "./judge_template.ts";

/** Everything besides the question and answers that decides what a judge answers. */
export interface JudgeSetup {
  /** `openai`, `anthropic`, ... */
  provider: string;
  model: string;
  template: JudgeTemplate;
  /** Sampling and answer-format parameters (temperature, max tokens, response schema or tool, ...). */
  params: JsonObject;
}

// Bump when the meaning of a cached judgment changes, so that old entries are never misread.
const KEY_SCHEMA = 1;

const digests = new WeakMap<JudgeSetup, string>();

function setupDigest(setup: JudgeSetup): string {
  let digest = digests.get(setup);
  if (digest === undefined) {
    digest = sha256(
      stableJson({
        // Never the key of a rating, whatever the texts.
        kind: "pairwise-judgment",
        schema: KEY_SCHEMA,
        provider: setup.provider,
        model: setup.model,
        promptVersion: setup.template.version,
        prompt: setup.template.text,
        params: setup.params,
      }),
    );
    digests.set(setup, digest);
  }
  return digest;
}

/**
 * The cache key of one judgment: SHA-256 over the provider, model, judge prompt version and
 * text, answer-shaping parameters, the question, and both answers **in the order shown** — so
 * the two orders of a question are two entries, and nothing else (question ids, labels, the
 * run) changes the key. Swapping which model is "A" finds the same two entries.
 *
 * @example
 * ```ts
 * const key = judgeCacheKey(judge.setup, { question: ["2+2?"], answerA: ["4"], answerB: ["5"] }, "a-first"); // 64 hex digits
 * ```
 */
export function judgeCacheKey(setup: JudgeSetup, pair: JudgePair, order: AnswerOrder): string {
  const [first, second] = shownAnswers(pair, order);
  return sha256(`${setupDigest(setup)}:${sha256(JSON.stringify({ question: pair.question, first, second }))}`);
}
