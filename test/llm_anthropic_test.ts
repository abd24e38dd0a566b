import { REASK_SUFFIX } from "@ual/llm";
import { plugin } from "@ual/uncertainty-anthropic";
import { describe, expect, test } from "vitest";
import { tempDir } from "./_cli.ts";
import { chat, createEstimator, expectedScore, killAfterBatchRecorded, loopbackServerPerTest, TEST_KEY } from "./_llm.ts";

const server = loopbackServerPerTest({ latencyMs: [1, 5] });
const signal = new AbortController().signal;

const secrets = () => ({ apiKey: TEST_KEY, baseURL: server.anthropicBaseURL });
const fast = { model: "claude-haiku-4-5", retryBaseDelayMs: 5 };

describe("@ual/uncertainty-anthropic against the loopback server", () => {
  test("rates through a forced record_score tool call; duplicates are asked once; concurrency is never exceeded", async () => {
    const estimator = await createEstimator(plugin, { ...fast, concurrency: 2 }, secrets());
    const samples = Array.from({ length: 12 }, (_, i) => chat(`s${i}`, `question ${i % 8}`, "an answer"));
    const results = await Promise.all(samples.map((s) => estimator.estimate(s, { signal })));
    expect(results.map((r) => r.score)).toEqual(samples.map((s) => expectedScore(s.turns[0]?.content ?? "", "an answer")));
    expect(server.completions).toHaveLength(8);
    expect(server.maxInFlight).toBeLessThanOrEqual(2);
    expect(results[0]).toMatchObject({ source: "anthropic:claude-haiku-4-5", cost: { usd: expect.any(Number) } });
    expect(server.requests[0]?.body).toMatchObject({
      model: "claude-haiku-4-5",
      max_tokens: 100,
      tool_choice: { type: "tool", name: "record_score" },
      tools: [{ name: "record_score", input_schema: { required: ["score"] } }],
    });
    await estimator.close();
  });

  test("retries 529 overloaded, 429 with retry-after and a truncated body", async () => {
    server.setFaults([
      { when: "q-529", fault: "529", times: 2 },
      { when: "q-429", fault: "429", retryAfterMs: 20 },
      { when: "q-truncated", fault: "truncated" },
    ]);
    const estimator = await createEstimator(plugin, fast, secrets());
    const names = ["q-529", "q-429", "q-truncated"];
    const results = await Promise.all(names.map((n) => estimator.estimate(chat(n, n), { signal })));
    expect(results.map((r) => r.score)).toEqual(names.map((n) => expectedScore(n)));
    expect(server.requests.filter((r) => r.prompt?.includes("q-529")).map((r) => r.status)).toEqual([529, 529, 200]);
    expect(server.requests.filter((r) => r.prompt?.includes("q-429")).map((r) => r.status)).toEqual([429, 200]);
    expect(server.completions).toHaveLength(3);
    await estimator.close();
  });

  test("re-asks a refusal or an out-of-range tool input once", async () => {
    server.setFaults([
      { when: "q-refusal", fault: "refusal" },
      { when: "q-range", fault: "out-of-range" },
      { when: "q-empty", fault: "empty", times: 2 },
    ]);
    const estimator = await createEstimator(plugin, fast, secrets());
    const refusal = await estimator.estimate(chat("a", "q-refusal"), { signal });
    const range = await estimator.estimate(chat("b", "q-range"), { signal });
    const empty = await estimator.estimate(chat("c", "q-empty"), { signal });
    expect(refusal.score).toBe(expectedScore("q-refusal"));
    expect(range.score).toBe(expectedScore("q-range"));
    expect(empty).toMatchObject({ score: null, reason: "unreadable reply, asked twice: empty reply; then empty reply" });
    expect(server.requests.filter((r) => r.prompt?.includes("q-refusal")).map((r) => r.prompt?.endsWith(REASK_SUFFIX))).toEqual([false, true]);
    await estimator.close();
  });

  test("a refused key stops at once with a message naming ANTHROPIC_API_KEY", async () => {
    const estimator = await createEstimator(plugin, fast, { apiKey: "sk-ant-WRONG-000000000", baseURL: server.anthropicBaseURL });
    await expect(estimator.estimate(chat("a", "hello"), { signal })).rejects.toThrow("Anthropic refused the API key (401): set ANTHROPIC_API_KEY");
    expect(server.requests).toHaveLength(1);
    await estimator.close();
  });

  test("batch mode goes through Message Batches, and a restarted run resumes polling instead of submitting again", async () => {
    const cacheDir = tempDir();
    const options = { ...fast, mode: "batch", batchWindowMs: 10, batchPollMs: 10 };
    const samples = Array.from({ length: 6 }, (_, i) => chat(`s${i}`, `batch question ${i % 4}`));
    const cache = await killAfterBatchRecorded(server, plugin, options, secrets(), cacheDir, samples);

    server.finishBatches();
    const b = await createEstimator(plugin, options, secrets(), { cacheDir });
    const results = await Promise.all(samples.map((s) => b.estimate(s, { signal })));
    expect(results.map((r) => r.score)).toEqual(samples.map((s) => expectedScore(s.turns[0]?.content ?? "")));
    expect(server.batchIds).toHaveLength(1);
    expect(server.completions.filter((c) => c.via === "batch")).toHaveLength(4);
    expect(server.completions.filter((c) => c.via === "sync")).toHaveLength(0);
    expect(cache.batches()).toMatchObject([{ status: "ended", items: 4 }]);
    cache.close();
    await b.close();
  });
});
