import type { Cost } from "@ual/core";
import { judgeReply, rationaleOf, verdictOfScore } from "./_judge_reply.ts";
import { raiseListenerLimit, RequestPath, type Spent } from "./_request_path.ts";
import { BUDGET_EXHAUSTED } from "./budget.ts";
import { combineOrders, outcomeOf, type Outcome } from "./combine_orders.ts";
import { judgeCacheKey, type JudgeSetup } from "./judge_cache_key.ts";
import type { AnswerOrder, JudgePair } from "./judge_pair.ts";
import { JUDGE_PROMPT, JUDGE_REASK_SUFFIX } from "./judge_prompt.ts";
import type { JudgeProvider } from "./judge_provider.ts";
import type { JudgeTemplate } from "./judge_template.ts";
import { renderJudgePrompt } from "./render_judge_prompt.ts";
import type { RequestSettings } from "./request_settings.ts";
import type { Verdict } from "./verdict_schema.ts";

/** Options of {@linkcode createJudge}: the provider and prompt, plus the {@linkcode RequestSettings} of its paid calls. */
export interface JudgeOptions extends RequestSettings {
  provider: JudgeProvider;
  /** The judge prompt (default {@linkcode JUDGE_PROMPT}). */
  template?: JudgeTemplate;
}

/** Why a judgment has no verdict: the reply could not be read (twice), the request failed, or the budget ran out. */
export type JudgmentFailure = "parse" | "request" | "budget";

/** The judge's verdict on one order of one question. */
export interface OrderJudgment {
  order: AnswerOrder;
  /** What the judge said, by position: "A" = the answer shown first is better. Null when there is none. */
  verdict: Verdict | null;
  /** What the verdict means for model A. */
  outcome: Outcome | null;
  rationale?: string;
  /** Why there is no verdict. */
  reason?: string;
  failure?: JudgmentFailure;
  /** True when no new call was made for it (the cache, or the same judgment asked at the same time). */
  cached: boolean;
  /** What this judgment cost this process. */
  cost?: Cost;
}

/** Both orders of one question, combined (spec §9). */
export interface PairJudgment {
  /** Model A's result; null when either order has no verdict (the question is left out of the rates). */
  outcome: Outcome | null;
  /** The orders contradicted each other (position bias); the outcome is then a tie. */
  inconsistent: boolean;
  aFirst: OrderJudgment;
  bFirst: OrderJudgment;
}

/** Tallies of a judge's work, for its closing log line and for tests. */
export interface JudgeStats {
  /** `compare` calls. */
  pairs: number;
  /** Order judgments asked for (two per pair). */
  judgments: number;
  /** Judgments served from the cache. */
  cacheHits: number;
  /** Judgments shared with an identical one asked at the same time. */
  deduplicated: number;
  /** Paid API calls that returned a reply (re-asks included). */
  paidCalls: number;
  /** Replies that could not be read and were asked again. */
  reasks: number;
  /** Judgments whose reply could not be read after the re-ask. */
  parseFailures: number;
  /** Judgments without a verdict because the request was refused or gave up. */
  requestFailures: number;
  /** Judgments not asked because the budget would have been passed. */
  overBudget: number;
  /** Dollars spent by this process. */
  costUsd: number;
}

/** A pairwise LLM judge. */
export interface Judge {
  readonly setup: JudgeSetup;
  /** `openai:gpt-4o`: which judge spoke. */
  readonly source: string;
  /** Judges one order of a question. */
  judgeOrder(pair: JudgePair, order: AnswerOrder, options: { signal: AbortSignal }): Promise<OrderJudgment>;
  /** Judges both orders of a question and combines them. */
  compare(pair: JudgePair, options: { signal: AbortSignal }): Promise<PairJudgment>;
  stats(): JudgeStats;
  /** Logs the tallies and closes the cache. */
  close(): Promise<void>;
}

/**
 * A pairwise judge around a {@linkcode JudgeProvider} that knows only how to make one call, on
 * the same request path as the rating elicitor (cache written before use, rate limits, retries,
 * budget, secrets kept out). `compare` asks for both orders of a question — model A's answer
 * shown first, then model B's — and combines them with {@linkcode combineOrders}. For each order:
 *
 * 1. render the prompt and its cache key ({@linkcode judgeCacheKey}: prompt version, model,
 *    parameters, question and both answers in the order shown);
 * 2. a final cached judgment is returned at once (`cached: true`, no cost); the same judgment
 *    already in flight is awaited rather than asked again;
 * 3. otherwise one paid call, read by {@linkcode parseVerdict}; an unreadable reply is stored as
 *    not final and asked again once, then counted as a parse failure (stored: it was paid for).
 *
 * A refused key or an unknown model stops the run; a refused request, one that outlived its
 * retries, or one over `maxCostUsd` leaves that order without a verdict (not cached, so a rerun
 * asks again) and its question out of the rates.
 *
 * @example
 * ```ts
 * const judge = createJudge({ provider, logger, apiKeyEnv: "OPENAI_API_KEY", cache });
 * const { outcome, inconsistent } = await judge.compare({ question: ["2+2?"], answerA: ["4"], answerB: ["5"] }, { signal });
 * await judge.close();
 * ```
 */
export function createJudge(options: JudgeOptions): Judge {
  const { provider, logger, cache } = options;
  const setup: JudgeSetup = { provider: provider.name, model: provider.model, template: options.template ?? JUDGE_PROMPT, params: provider.params };
  const source = `${provider.name}:${provider.model}`;
  const path = new RequestPath(provider, options, { noAnswer: "that judgment is left out", kept: "judgments already made" });
  if (options.signal) raiseListenerLimit(options.signal);
  const asking = {
    send: async (prompt: string, callOptions: { signal: AbortSignal; timeoutMs: number }) => judgeReply(await provider.judge(prompt, callOptions)),
    reaskSuffix: JUDGE_REASK_SUFFIX,
    promptVersion: setup.template.version,
  };
  const inflight = new Map<string, Promise<OrderJudgment>>();
  const stats = { pairs: 0, judgments: 0, cacheHits: 0, deduplicated: 0, parseFailures: 0, requestFailures: 0, overBudget: 0 };
  let warnedBudget = false;
  let closed = false;

  const judged = (order: AnswerOrder, score: number | null, rationale: string | undefined, cached: boolean, spent?: Spent): OrderJudgment => {
    const verdict = verdictOfScore(score) ?? null;
    return {
      order,
      verdict,
      outcome: verdict ? outcomeOf(verdict, order) : null,
      ...(rationale !== undefined ? { rationale: path.scrub(rationale) } : {}),
      cached,
      ...(spent && (spent.usd > 0 || spent.inputTokens > 0) ? { cost: { usd: spent.usd, inputTokens: spent.inputTokens, outputTokens: spent.outputTokens } } : {}),
    };
  };

  const unjudged = (order: AnswerOrder, failure: JudgmentFailure, reason: string, cached: boolean, spent?: Spent): OrderJudgment => {
    if (failure === "parse") stats.parseFailures++;
    else if (failure === "request") stats.requestFailures++;
    else stats.overBudget++;
    return { ...judged(order, null, undefined, cached, spent), reason: path.scrub(reason), failure };
  };

  const ask = async (key: string, pair: JudgePair, order: AnswerOrder, signal: AbortSignal): Promise<OrderJudgment> => {
    const prompt = renderJudgePrompt(setup.template, pair, order);
    const prior = cache?.get(key);
    const asked = await path.ask(key, prompt, prior && !prior.final ? prior : undefined, signal, asking);
    if (asked.kind === "budget") {
      if (!warnedBudget) {
        warnedBudget = true;
        logger.warn(`${path.label}: maxCostUsd ${options.maxCostUsd} reached ($${path.budget.spentUsd.toFixed(4)} spent); the remaining judgments are left out with reason "${BUDGET_EXHAUSTED}". Raise maxCostUsd and rerun: judgments already made are cached and cost nothing again.`);
      }
      return unjudged(order, "budget", BUDGET_EXHAUSTED, false);
    }
    if (asked.score === null) return unjudged(order, asked.unreadable ? "parse" : "request", asked.reason ?? "no reply", false, asked.spent);
    return judged(order, asked.score, rationaleOf(asked.replies.at(-1)), false, asked.spent);
  };

  const judgeOrder = async (pair: JudgePair, order: AnswerOrder, { signal }: { signal: AbortSignal }): Promise<OrderJudgment> => {
    if (path.fatal) throw path.fatal;
    raiseListenerLimit(signal);
    stats.judgments++;
    const key = judgeCacheKey(setup, pair, order);
    const hit = cache?.get(key);
    if (hit?.final) {
      stats.cacheHits++;
      // A final entry without a verdict is a reply that was unreadable twice: paid for, and kept.
      if (hit.score === null) return unjudged(order, "parse", hit.reason ?? "unreadable reply", true);
      return judged(order, hit.score, rationaleOf(hit.replies.at(-1)), true);
    }
    const running = inflight.get(key);
    if (running) {
      stats.deduplicated++;
      const { cost: _paidOnce, ...shared } = await running;
      // The same prompt is the same judgment, whichever order asked for it first.
      return { ...shared, order, outcome: shared.verdict ? outcomeOf(shared.verdict, order) : null, cached: true };
    }
    const job = ask(key, pair, order, signal);
    inflight.set(key, job);
    try {
      return await job;
    } finally {
      inflight.delete(key);
    }
  };

  return {
    setup,
    source,
    judgeOrder,
    async compare(pair, { signal }) {
      checkPair(pair);
      stats.pairs++;
      const [aFirst, bFirst] = await Promise.all([judgeOrder(pair, "a-first", { signal }), judgeOrder(pair, "b-first", { signal })]);
      if (!aFirst.outcome || !bFirst.outcome) return { outcome: null, inconsistent: false, aFirst, bFirst };
      return { ...combineOrders(aFirst.outcome, bFirst.outcome), aFirst, bFirst };
    },
    stats: () => ({ ...stats, paidCalls: path.counts.paidCalls, reasks: path.counts.reasks, costUsd: path.counts.costUsd }),
    async close() {
      if (closed) return;
      closed = true;
      if (stats.judgments > 0) {
        const { paidCalls, reasks, costUsd } = path.counts;
        logger.info(
          `${path.label} judge: ${stats.pairs} questions, ${stats.judgments} judgments, ${paidCalls} paid calls, ${stats.cacheHits} from the cache, ${reasks} re-asked, ${stats.parseFailures} unreadable, ${stats.requestFailures + stats.overBudget} not answered; $${costUsd.toFixed(4)}`,
        );
      }
      cache?.close();
    },
  };
}

function checkPair(pair: JudgePair): void {
  const turns = pair.question.length;
  if (turns === 0) throw new Error("a judged question needs at least one turn");
  if (pair.answerA.length !== turns || pair.answerB.length !== turns) {
    throw new Error(`a judged question has ${turns} turn(s) but answer A has ${pair.answerA.length} and answer B ${pair.answerB.length}; each answer needs one reply per turn`);
  }
}
