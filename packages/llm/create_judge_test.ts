import { describe, expect, it } from "vitest";
import { createJudge, type JudgeOptions } from "./create_judge.ts";
import { judgeCacheKey } from "./judge_cache_key.ts";
import type { JudgePair } from "./judge_pair.ts";
import { JUDGE_REASK_SUFFIX } from "./judge_prompt.ts";
import type { JudgeAnswer, JudgeProvider } from "./judge_provider.ts";
import { judgeTemplateFromText } from "./judge_template.ts";
import { ReplyCache } from "./reply_cache.ts";
import { FAKE_PROVIDER, fakeRequestSettings, newTestCache as newCache } from "./_test_fakes.ts";

// The prompt is "1st=<answer> 2nd=<answer>"; by default the fake judge prefers the longer answer.
const template = judgeTemplateFromText("Q={question} 1st={answer_a} 2nd={answer_b}", "test");
const signal = new AbortController().signal;
const pair = (a: string, b: string, q = "q"): JudgePair => ({ question: [q], answerA: [a], answerB: [b] });

function longer(prompt: string): string {
  const [, first = "", second = ""] = /1st=(.*) 2nd=(.*?)(?:\n|$)/.exec(prompt) ?? [];
  const verdict = first.length > second.length ? "A" : second.length > first.length ? "B" : "tie";
  return JSON.stringify({ rationale: `${first.length} vs ${second.length} characters`, verdict });
}

interface Fake extends JudgeProvider {
  prompts: string[];
}

function fakeProvider(answer: (prompt: string, call: number) => string | JudgeAnswer = longer): Fake {
  const fake: Fake = {
    ...FAKE_PROVIDER,
    prompts: [],
    async judge(prompt) {
      fake.prompts.push(prompt);
      await new Promise((resolve) => setTimeout(resolve, 1));
      const reply = answer(prompt, fake.prompts.length);
      return typeof reply === "string" ? { text: reply, stop: "stop", inputTokens: 1000, outputTokens: 10 } : reply;
    },
  };
  return fake;
}

function judge(provider: JudgeProvider, extra: Partial<JudgeOptions> = {}, logs: string[] = []) {
  return createJudge({
    provider,
    template,
    ...fakeRequestSettings(logs),
    ...extra,
  });
}

describe("createJudge()", () => {
  it("createJudge() asks both orders and combines them; a consistent judge's verdict stands", async () => {
    const provider = fakeProvider();
    const j = judge(provider);
    const result = await j.compare(pair("a long answer", "short"), { signal });
    expect(provider.prompts.sort()).toEqual(["Q=q 1st=a long answer 2nd=short", "Q=q 1st=short 2nd=a long answer"]);
    expect(result).toMatchObject({
      outcome: "win",
      inconsistent: false,
      aFirst: { order: "a-first", verdict: "A", outcome: "win", rationale: "13 vs 5 characters", cached: false, cost: { usd: 0.0011 } },
      bFirst: { order: "b-first", verdict: "B", outcome: "win", rationale: "5 vs 13 characters" },
    });
    expect((await j.compare(pair("tiny", "a longer one"), { signal })).outcome).toBe("loss");
    expect((await j.compare(pair("same", "SAME"), { signal })).outcome).toBe("tie");
  });

  it("createJudge() counts a judge that prefers a position as an inconsistent tie", async () => {
    const j = judge(fakeProvider(() => '{"rationale": "first is best", "verdict": "A"}'));
    expect(await j.compare(pair("x", "yy"), { signal })).toMatchObject({ outcome: "tie", inconsistent: true, aFirst: { outcome: "win" }, bFirst: { outcome: "loss" } });
  });

  it("createJudge() re-asks an unreadable reply once; a second one is a parse failure, cached, and the question has no outcome", async () => {
    const cache = newCache();
    const provider = fakeProvider((prompt) => (prompt.includes("2nd=bad") ? "I cannot decide." : prompt.includes("2nd=late") && !prompt.endsWith(JUDGE_REASK_SUFFIX) ? "" : longer(prompt)));
    const j = judge(provider, { cache });
    const late = await j.compare(pair("late", "answer"), { signal });
    expect(late.outcome).toBe("loss");
    expect(provider.prompts.filter((p) => p.endsWith(JUDGE_REASK_SUFFIX))).toEqual([`Q=q 1st=answer 2nd=late${JUDGE_REASK_SUFFIX}`]);
    const bad = await j.compare(pair("bad", "good"), { signal });
    expect(bad).toMatchObject({ outcome: null, aFirst: { verdict: "B", outcome: "loss" }, bFirst: { verdict: null, failure: "parse", reason: expect.stringMatching(/^unreadable reply, asked twice: no verdict in the reply/) } });
    expect(j.stats()).toMatchObject({ pairs: 2, judgments: 4, reasks: 2, parseFailures: 1, paidCalls: 6 });
    await j.close();

    const again = fakeProvider();
    const rerun = judge(again, { cache: ReplyCache.open(cache.file) });
    expect(await rerun.compare(pair("bad", "good"), { signal })).toMatchObject({ outcome: null, aFirst: { cached: true }, bFirst: { cached: true, failure: "parse" } });
    expect(await rerun.compare(pair("late", "answer"), { signal })).toMatchObject({ outcome: "loss", bFirst: { cached: true, rationale: "6 vs 4 characters" } });
    expect(again.prompts).toEqual([]);
    await rerun.close();
  });

  it("createJudge() stores a judgment under its key before returning it, with the verdict as the reference's number", async () => {
    const cache = newCache();
    const j = judge(fakeProvider(), { cache });
    const p = pair("a long answer", "short");
    await j.compare(p, { signal });
    expect(cache.get(judgeCacheKey(j.setup, p, "a-first"))).toMatchObject({ final: true, score: 1, promptVersion: template.version, calls: 1, replies: [{ text: expect.stringContaining('"verdict":"A"') }] });
    expect(cache.get(judgeCacheKey(j.setup, p, "b-first"))?.score).toBe(3);
    await j.close();
  });

  it("createJudge() reads a refusal as unreadable, and a free-text answer by spec §6.4's rule", async () => {
    const j = judge(fakeProvider((prompt, call) => (call <= 2 && prompt.includes("1st=x") ? { text: "", refusal: "I won't.", inputTokens: 5, outputTokens: 3 } : "### Rationale: first better\n### Judgment: **1**")));
    const result = await j.compare(pair("x", "y"), { signal });
    expect(result).toMatchObject({ outcome: "tie", inconsistent: true, aFirst: { verdict: "A", rationale: "first better" } });
  });

  it("createJudge() asks one judgment once when the same prompt is asked twice at the same time", async () => {
    const provider = fakeProvider();
    const j = judge(provider);
    const [first, second] = await Promise.all([j.compare(pair("aa", "b"), { signal }), j.compare(pair("aa", "b"), { signal })]);
    expect(provider.prompts).toHaveLength(2);
    expect(first.outcome).toBe("win");
    expect(second).toMatchObject({ outcome: "win", aFirst: { cached: true }, bFirst: { cached: true } });
    expect(second.aFirst.cost).toBeUndefined();
    expect(j.stats().deduplicated).toBe(2);
  });

  it("createJudge() leaves out a rejected request and one over the budget, uncached", async () => {
    const cache = newCache();
    const logs: string[] = [];
    const provider = fakeProvider((prompt) => {
      if (prompt.includes("rejected")) throw Object.assign(new Error("400 bad"), { status: 400, headers: {} });
      return longer(prompt);
    });
    const j = judge(provider, { cache, maxCostUsd: 0.0023, limits: { concurrency: 1 } }, logs);
    expect(await j.compare(pair("rejected", "x"), { signal })).toMatchObject({ outcome: null, aFirst: { failure: "request", reason: "Fake rejected the request (400): 400 bad" } });
    expect((await j.compare(pair("aaa", "b"), { signal })).outcome).toBe("win");
    expect(await j.compare(pair("c", "dd"), { signal })).toMatchObject({ outcome: null, aFirst: { failure: "budget", reason: "budget exhausted" } });
    expect(logs.filter((l) => l.includes("maxCostUsd"))).toHaveLength(1);
    expect(cache.size()).toBe(2);
    await j.close();
  });

  it("createJudge() stops at a refused key, naming the variable", async () => {
    const provider = fakeProvider(() => {
      throw Object.assign(new Error("401 no"), { status: 401, headers: {} });
    });
    const j = judge(provider);
    await expect(j.compare(pair("a", "b"), { signal })).rejects.toThrow("Fake refused the API key (401): set FAKE_API_KEY");
    await expect(j.judgeOrder(pair("c", "d"), "a-first", { signal })).rejects.toThrow("FAKE_API_KEY");
  });

  it("createJudge() refuses answers whose turns do not match the question's", async () => {
    const j = judge(fakeProvider());
    await expect(j.compare({ question: ["q1", "q2"], answerA: ["a1"], answerB: ["b1", "b2"] }, { signal })).rejects.toThrow("answer A has 1 and answer B 2");
  });

  it("createJudge() keeps secrets out of rationales and the cache", async () => {
    const cache = newCache();
    const secret = "sk-test-VERYSECRET-123";
    const j = judge(fakeProvider(() => JSON.stringify({ rationale: `the key is ${secret}`, verdict: "tie" })), { cache, secrets: [secret] });
    const result = await j.compare(pair("a", "b"), { signal });
    expect(JSON.stringify(result)).not.toContain(secret);
    expect(result.aFirst.rationale).toBe("the key is [redacted]");
    expect(JSON.stringify(cache.get(judgeCacheKey(j.setup, pair("a", "b"), "a-first")))).not.toContain(secret);
    await j.close();
  });
});
