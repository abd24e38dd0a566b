import { join } from "node:path";
import { JUDGE_REASK_SUFFIX } from "@ual/llm";
import { describe, expect, test } from "vitest";
import { BASELINE, createJudgeEvaluator, evaluateAll, fixturePairs, jsonl, judgePrompt, metric, predicted, QUESTIONS, RESPONSES, tallyOf } from "./_judge.ts";
import { filesContaining, filesUnder, loopbackServerPerTest, TEST_KEY } from "./_llm.ts";

const server = loopbackServerPerTest({ latencyMs: [1, 5] });

const secrets = () => ({ anthropicApiKey: TEST_KEY, anthropicBaseURL: server.anthropicBaseURL });
const options = { provider: "anthropic", model: "claude-haiku-4-5", prompts: QUESTIONS, responses: RESPONSES, baseline: BASELINE, retryBaseDelayMs: 5 };

describe("@ual/eval-judge (Anthropic) against the loopback server", () => {
  test("judges each question in both orders through a forced record_verdict tool call", async () => {
    const { evaluator, runDir } = await createJudgeEvaluator(options, secrets());
    const events = await evaluateAll(evaluator);
    const pairs = await fixturePairs();
    const prompts = server.requests.map((r) => r.prompt);
    expect(prompts).toHaveLength(20);
    for (const { pair } of pairs) {
      expect(prompts.filter((p) => p === judgePrompt(pair, "a-first"))).toHaveLength(1);
      expect(prompts.filter((p) => p === judgePrompt(pair, "b-first"))).toHaveLength(1);
    }
    expect(server.requests[0]?.body).toMatchObject({
      model: "claude-haiku-4-5",
      max_tokens: 1024,
      temperature: 0,
      tool_choice: { type: "tool", name: "record_verdict" },
      tools: [{ name: "record_verdict", input_schema: { properties: { verdict: { enum: ["A", "B", "tie"] } } } }],
    });
    const all = tallyOf(pairs.map((p) => predicted(p.pair)));
    expect(metric(events, "all", "win")).toBeCloseTo(all.win / 10, 12);
    expect(metric(events, "all", "loss")).toBeCloseTo(all.loss / 10, 12);
    expect(events.find((e) => e.subset === "all")?.details).toMatchObject({ judge: "anthropic:claude-haiku-4-5", a: "responses", b: "baseline" });
    expect(jsonl(join(runDir, "judge.jsonl"))[0]).toMatchObject({ aFirst: { rationale: expect.stringContaining("Answer"), costUsd: expect.any(Number) } });
  });

  test("retries 529 overloaded; re-asks an invalid verdict, and counts a parse failure after a second one", async () => {
    const pairs = await fixturePairs();
    const [writing, second] = pairs.map((p) => p.pair);
    if (!writing || !second) throw new Error("fixture questions are missing");
    server.setFaults([
      { when: (r) => r.prompt === judgePrompt(writing, "b-first"), fault: "529", times: 2 },
      { when: (r) => (r.prompt ?? "").startsWith(judgePrompt(second, "a-first")), fault: "invalid-verdict", verdict: "both", times: 2 },
    ]);
    const { evaluator } = await createJudgeEvaluator(options, secrets());
    const events = await evaluateAll(evaluator);
    expect(server.requests.filter((r) => r.prompt === judgePrompt(writing, "b-first")).map((r) => r.status)).toEqual([529, 529, 200]);
    expect(server.requests.filter((r) => (r.prompt ?? "").startsWith(judgePrompt(second, "a-first"))).map((r) => r.prompt?.endsWith(JUDGE_REASK_SUFFIX))).toEqual([false, true]);
    expect(metric(events, "all", "parseFailures")).toBe(1);
    expect(metric(events, "writing", "parseFailures")).toBe(1);
    expect(events.find((e) => e.subset === "all" && e.metric === "win")?.details).toMatchObject({ judged: 9, unjudged: 1 });
  });

  test("a rerun makes zero paid calls; the key is in no file of the run directory or the cache", async () => {
    const { evaluator, runDir, cacheDir } = await createJudgeEvaluator(options, secrets());
    const first = await evaluateAll(evaluator);
    server.resetCounts();
    const again = await createJudgeEvaluator(options, secrets(), { cacheDir });
    expect(await evaluateAll(again.evaluator)).toEqual(first);
    expect(server.requests).toHaveLength(0);
    const written = [...filesUnder(runDir), ...filesUnder(again.runDir), ...filesUnder(cacheDir)];
    expect(filesContaining(written, TEST_KEY)).toEqual([]);
  });

  test("a refused key stops the evaluation with a message naming ANTHROPIC_API_KEY", async () => {
    const { evaluator } = await createJudgeEvaluator(options, { anthropicApiKey: "sk-ant-WRONG-000000000", anthropicBaseURL: server.anthropicBaseURL });
    await expect(evaluateAll(evaluator)).rejects.toThrow("Anthropic refused the API key (401): set ANTHROPIC_API_KEY to a valid key (or name another variable under the stage's secrets: { anthropicApiKey: ... })");
    // The first refusal stops the rest: only the requests already in flight (concurrency 8) were made.
    expect(server.requests.length).toBeLessThanOrEqual(8);
    expect(server.completions).toHaveLength(0);
  });
});
