import type { Sample } from "@ual/core";
import { describe, expect, it } from "vitest";
import { cacheKey } from "./cache_key.ts";
import { createElicitor, type ElicitorOptions } from "./create_elicitor.ts";
import { parseScore } from "./parse_score.ts";
import { promptTemplateFromText } from "./prompt_template.ts";
import type { BatchApi, BatchRequest, RatingProvider, RatingReply } from "./rating_provider.ts";
import { ReplyCache } from "./reply_cache.ts";
import { REASK_SUFFIX } from "./rubric.ts";
import { FAKE_PROVIDER, fakeRequestSettings, newTestCache as newCache } from "./_test_fakes.ts";

const template = promptTemplateFromText("Rate: {conversation}", "test");
const signal = new AbortController().signal;
const sample = (id: string, text = id): Sample => ({ id, turns: [{ role: "user", content: text }], metadata: {} });
const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

/** A reply whose score is the number in the prompt's text ("Rate: 42" → 42), or what `text` says. */
function reply(prompt: string, text?: string): RatingReply {
  const parsed = parseScore(text ?? prompt.replace(REASK_SUFFIX, "").replace("Rate: ", ""));
  return { raw: { text: text ?? null }, score: parsed.score, ...(parsed.score === null ? { reason: parsed.reason } : {}), inputTokens: 1000, outputTokens: 10 };
}

interface Fake extends RatingProvider {
  prompts: string[];
  maxInFlight: number;
}

function fakeProvider(answer: (prompt: string, call: number) => RatingReply | Promise<RatingReply> = (p) => reply(p), batch?: BatchApi): Fake {
  let inFlight = 0;
  const fake: Fake = {
    ...FAKE_PROVIDER,
    prompts: [],
    maxInFlight: 0,
    async rate(prompt) {
      fake.prompts.push(prompt);
      inFlight++;
      fake.maxInFlight = Math.max(fake.maxInFlight, inFlight);
      try {
        await tick();
        return await answer(prompt, fake.prompts.length);
      } finally {
        inFlight--;
      }
    },
    ...(batch ? { batch } : {}),
  };
  return fake;
}

function elicitor(provider: RatingProvider, extra: Partial<ElicitorOptions> = {}, logs: string[] = []) {
  return createElicitor({
    provider,
    template,
    conversationFormat: "plain",
    ...fakeRequestSettings(logs),
    ...extra,
  });
}

const httpError = (status: number) => Object.assign(new Error(`${status} from the API`), { status, headers: {} });

describe("createElicitor()", () => {
  it("createElicitor() asks once per conversation: duplicates in flight share the call, a rerun comes from the cache", async () => {
    const cache = newCache();
    const provider = fakeProvider();
    const first = elicitor(provider, { cache });
    const samples = ["10", "20", "10", "30", "20", "10"].map((text, i) => sample(`s${i}`, text));
    const results = await Promise.all(samples.map((s) => first.estimate(s, { signal })));
    expect(provider.prompts.sort()).toEqual(["Rate: 10", "Rate: 20", "Rate: 30"]);
    expect(results.map((r) => r.score)).toEqual([10, 20, 10, 30, 20, 10]);
    // Paid results carry their cost; shared ones are marked cached and carry none.
    expect(results.filter((r) => r.cached)).toHaveLength(3);
    expect(results.filter((r) => r.cost)).toEqual([
      expect.objectContaining({ cost: { usd: 0.0011, inputTokens: 1000, outputTokens: 10 } }),
      expect.anything(),
      expect.anything(),
    ]);
    expect(results[0]?.source).toBe("fake:fake-1");
    expect(first.stats()).toMatchObject({ samples: 6, paidCalls: 3, deduplicated: 3, cacheHits: 0 });
    await first.close();

    const again = fakeProvider();
    const second = elicitor(again, { cache: ReplyCache.open(cache.file) });
    const rerun = await Promise.all(samples.map((s) => second.estimate(s, { signal })));
    expect(again.prompts).toEqual([]);
    expect(rerun.every((r) => r.cached === true && r.cost === undefined)).toBe(true);
    expect(rerun.map((r) => r.score)).toEqual([10, 20, 10, 30, 20, 10]);
    await second.close();
  });

  it("createElicitor() never has more than `concurrency` calls in flight", async () => {
    const provider = fakeProvider();
    const e = elicitor(provider, { limits: { concurrency: 3 } });
    await Promise.all(Array.from({ length: 30 }, (_, i) => e.estimate(sample(`s${i}`, String(i)), { signal })));
    expect(provider.prompts).toHaveLength(30);
    expect(provider.maxInFlight).toBe(3);
    expect(e.concurrency).toBe(6);
  });

  it("createElicitor() re-asks an unreadable reply once and keeps the second answer", async () => {
    const cache = newCache();
    const provider = fakeProvider((p, call) => (call === 1 ? reply(p, "") : reply(p, '{"score": 61}')));
    const e = elicitor(provider, { cache });
    const result = await e.estimate(sample("a", "x"), { signal });
    expect(result).toMatchObject({ score: 61, cost: { usd: 0.0022, inputTokens: 2000, outputTokens: 20 } });
    expect(provider.prompts).toEqual(["Rate: x", `Rate: x${REASK_SUFFIX}`]);
    expect(cache.get(cacheKey(e.setup, sample("a", "x").turns))).toMatchObject({ final: true, score: 61, calls: 2, costUsd: 0.0022 });
    expect(cache.get(cacheKey(e.setup, sample("a", "x").turns))?.reason).toBeUndefined();
    await e.close();
  });

  it("createElicitor() records a null score with the reason after a second unreadable reply, and does not pay for it again", async () => {
    const cache = newCache();
    const provider = fakeProvider((p) => reply(p, "The bands are 0-39, 40-69 and 70-99."));
    const e = elicitor(provider, { cache });
    const result = await e.estimate(sample("a", "x"), { signal });
    expect(result.score).toBeNull();
    expect(result.reason).toMatch(/^unreadable reply, asked twice: no score in the reply/);
    expect(provider.prompts).toHaveLength(2);
    await e.close();
    const again = fakeProvider();
    const rerun = elicitor(again, { cache: ReplyCache.open(cache.file) });
    expect(await rerun.estimate(sample("b", "x"), { signal })).toMatchObject({ score: null, cached: true, reason: result.reason });
    expect(again.prompts).toEqual([]);
    await rerun.close();
  });

  it("createElicitor() after a crash between a reply and its re-ask makes only the re-ask", async () => {
    const cache = newCache();
    const e0 = elicitor(fakeProvider(), { cache });
    const key = cacheKey(e0.setup, sample("a", "x").turns);
    cache.put({ key, provider: "fake", model: "fake-1", promptVersion: template.version, final: false, score: null, reason: "empty reply", replies: [{ text: "" }], inputTokens: 1000, outputTokens: 10, costUsd: 0.0011, calls: 1, mode: "sync", createdAt: "" });
    const provider = fakeProvider((p) => reply(p, '{"score": 33}'));
    const e = elicitor(provider, { cache });
    expect(await e.estimate(sample("a", "x"), { signal })).toMatchObject({ score: 33, cost: { usd: 0.0011 } });
    expect(provider.prompts).toEqual([`Rate: x${REASK_SUFFIX}`]);
    expect(cache.get(key)).toMatchObject({ final: true, calls: 2, costUsd: 0.0022 });
    await e.close();
  });

  it("createElicitor() stops paying before maxCostUsd would be passed; the rest get null, uncached", async () => {
    const cache = newCache();
    const logs: string[] = [];
    // "Rate: 1" is 2 tokens at 3.5 characters a token; with 10 reply tokens a call costs $0.000102.
    const provider = fakeProvider((p) => ({ ...reply(p), inputTokens: 2, outputTokens: 10 }));
    const e = elicitor(provider, { cache, maxCostUsd: 0.00035, limits: { concurrency: 1 } }, logs);
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await e.estimate(sample(`s${i}`, String(i)), { signal }));
    const paid = provider.prompts.length;
    expect(paid).toBe(3);
    expect(results.slice(paid).every((r) => r.score === null && r.reason === "budget exhausted")).toBe(true);
    expect(e.stats().costUsd).toBeLessThanOrEqual(0.00035);
    expect(logs.filter((l) => l.includes("maxCostUsd"))).toHaveLength(1);
    expect(cache.size()).toBe(paid);
    await e.close();
  });

  it("createElicitor() refuses maxCostUsd for a model without a price", () => {
    expect(() => elicitor(fakeProvider(), { prices: {}, maxCostUsd: 1 })).toThrow('add it: prices: { "fake-1"');
  });

  it("createElicitor() stops the run at a 401, naming the variable to set, and asks nothing more", async () => {
    const provider = fakeProvider(() => {
      throw httpError(401);
    });
    const e = elicitor(provider);
    await expect(e.estimate(sample("a"), { signal })).rejects.toThrow("Fake refused the API key (401): set FAKE_API_KEY");
    await expect(e.estimate(sample("b"), { signal })).rejects.toThrow("FAKE_API_KEY");
    expect(provider.prompts).toHaveLength(1);
  });

  it("createElicitor() gives a null score to a request the API rejects, and to one that outlives its retries", async () => {
    const provider = fakeProvider((p) => {
      if (p.includes("bad")) throw httpError(400);
      if (p.includes("flaky")) throw httpError(503);
      return reply(p);
    });
    const e = elicitor(provider, { cache: newCache() });
    expect(await e.estimate(sample("a", "bad"), { signal })).toMatchObject({ score: null, reason: "Fake rejected the request (400): 400 from the API" });
    expect(await e.estimate(sample("b", "flaky"), { signal })).toMatchObject({ score: null, reason: "gave up after 3 attempts: 503 from the API" });
    expect(provider.prompts.filter((p) => p.includes("flaky"))).toHaveLength(3);
    expect(await e.estimate(sample("c", "12"), { signal })).toMatchObject({ score: 12 });
    // Nothing unpaid was cached: a rerun asks again.
    expect(e.stats()).toMatchObject({ paidCalls: 1, nullScores: 2 });
    await e.close();
  });

  it("createElicitor() takes the API to be down after maxConsecutiveFailures requests in a row gave up", async () => {
    const provider = fakeProvider(() => {
      throw httpError(500);
    });
    const e = elicitor(provider, { maxConsecutiveFailures: 2 });
    expect((await e.estimate(sample("a"), { signal })).score).toBeNull();
    await expect(e.estimate(sample("b"), { signal })).rejects.toThrow("2 requests in a row");
  });

  it("createElicitor() keeps secrets out of reasons and the cache", async () => {
    const cache = newCache();
    const secret = "sk-test-VERYSECRET-123";
    const provider = fakeProvider((p) => {
      if (p.includes("leak")) throw Object.assign(new Error(`bad key ${secret}`), { status: 400 });
      return { ...reply(p, ""), raw: { echoed: secret } };
    });
    const e = elicitor(provider, { cache, secrets: [secret] });
    const leak = await e.estimate(sample("a", "leak"), { signal });
    expect(leak.reason).not.toContain(secret);
    await e.estimate(sample("b", "echo"), { signal });
    const row = cache.get(cacheKey(e.setup, sample("b", "echo").turns));
    expect(JSON.stringify(row)).not.toContain(secret);
    expect(JSON.stringify(row)).toContain("[redacted]");
    await e.close();
  });
});

describe("createElicitor() in batch mode", () => {
  function fakeBatch(options: { cache?: ReplyCache; answer?: (prompt: string) => RatingReply } = {}) {
    const submitted: BatchRequest[][] = [];
    const recordedBeforePolling: boolean[] = [];
    const api: BatchApi & { submitted: BatchRequest[][]; recordedBeforePolling: boolean[] } = {
      submitted,
      recordedBeforePolling,
      async submit(requests) {
        submitted.push([...requests]);
        return `batch-${submitted.length}`;
      },
      async check(batchId) {
        const requests = submitted[Number(batchId.split("-")[1]) - 1] ?? [];
        recordedBeforePolling.push(requests.every((r) => options.cache?.pendingBatchFor(r.customId) === batchId));
        return { ended: true, status: "completed" };
      },
      async *results(batchId) {
        for (const r of submitted[Number(batchId.split("-")[1]) - 1] ?? []) yield { customId: r.customId, reply: (options.answer ?? reply)(r.prompt) };
      },
    };
    return api;
  }

  it("createElicitor() gathers samples into one batch, records it before polling, and prices it at half", async () => {
    const cache = newCache();
    const api = fakeBatch({ cache });
    const provider = fakeProvider(undefined, api);
    const e = elicitor(provider, { cache, mode: "batch", batch: { windowMs: 20, pollMs: 5 } });
    expect(e.concurrency).toBe(10_000);
    const results = await Promise.all(["1", "2", "3", "2"].map((t, i) => e.estimate(sample(`s${i}`, t), { signal })));
    expect(results.map((r) => r.score)).toEqual([1, 2, 3, 2]);
    expect(api.submitted).toHaveLength(1);
    expect(api.submitted[0]).toHaveLength(3);
    expect(api.recordedBeforePolling).toEqual([true]);
    expect(results[0]?.cost?.usd).toBeCloseTo(0.00055, 12);
    expect(provider.prompts).toEqual([]);
    expect(cache.batches()).toMatchObject([{ id: "batch-1", status: "ended", items: 3 }]);
    await e.close();
  });

  it("createElicitor() resumes polling a batch an earlier run submitted, instead of submitting again", async () => {
    const cache = newCache();
    const first = fakeBatch({ cache });
    const probe = elicitor(fakeProvider(undefined, first), { cache, mode: "batch" });
    const keys = ["7", "8"].map((t) => cacheKey(probe.setup, sample(t, t).turns));
    // What a killed run left: the batch id and its keys, no results.
    await first.submit(keys.map((k, i) => ({ customId: k, prompt: `Rate: ${["7", "8"][i]}` })), { signal });
    cache.recordBatch({ id: "batch-1", provider: "fake", model: "fake-1", keys });
    const e = elicitor(fakeProvider(undefined, first), { cache, mode: "batch", batch: { windowMs: 5, pollMs: 5 } });
    const results = await Promise.all(["7", "8"].map((t) => e.estimate(sample(t, t), { signal })));
    expect(results.map((r) => r.score)).toEqual([7, 8]);
    expect(first.submitted).toHaveLength(1);
    expect(cache.pendingBatchFor(keys[0] as string)).toBeUndefined();
    await e.close();
  });

  it("createElicitor() re-asks an unreadable batch reply synchronously, once", async () => {
    const cache = newCache();
    const api = fakeBatch({ cache, answer: (p) => reply(p, "") });
    const provider = fakeProvider((p) => reply(p, '{"score": 44}'), api);
    const e = elicitor(provider, { cache, mode: "batch", batch: { windowMs: 5, pollMs: 5 } });
    expect(await e.estimate(sample("a", "x"), { signal })).toMatchObject({ score: 44 });
    expect(provider.prompts).toEqual([`Rate: x${REASK_SUFFIX}`]);
    expect(cache.get(cacheKey(e.setup, sample("a", "x").turns))).toMatchObject({ final: true, calls: 2, mode: "batch" });
    await e.close();
  });
});
