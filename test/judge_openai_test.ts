import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { JUDGE_REASK_SUFFIX, renderTurns, type Verdict } from "@ual/llm";
import { describe, expect, test } from "vitest";
import { BASELINE, createJudgeEvaluator, evaluateAll, fixturePairs, jsonl, judgePrompt, metric, predicted, QUESTIONS, RESPONSES, tallyOf } from "./_judge.ts";
import { tempDir } from "./_cli.ts";
import { filesContaining, filesUnder, loopbackServerPerTest, TEST_KEY } from "./_llm.ts";
import { judgedTexts, type JudgedTexts } from "./llm_server/llm_server.mjs";

const server = loopbackServerPerTest({ latencyMs: [1, 5] });

const secrets = () => ({ openaiApiKey: TEST_KEY, openaiBaseURL: server.openaiBaseURL });
// Small waits keep the suite fast; nothing below asserts a duration.
const options = { provider: "openai", model: "gpt-4o-mini", prompts: QUESTIONS, responses: RESPONSES, baseline: BASELINE, retryBaseDelayMs: 5, labels: { a: "ual", b: "sft" } };

/** The requests that asked for one order of a question: its answer shown first is `first`. */
const askedWithFirst = (first: readonly string[]) => server.requests.filter((r) => r.prompt !== undefined && judgedTexts(r.prompt).first === renderTurns(first));

describe("@ual/eval-judge (OpenAI) against the loopback server", () => {
  test("judges each question in both orders through a strict JSON schema; win/tie/loss per category are the server's verdicts, combined", async () => {
    const { evaluator, runDir } = await createJudgeEvaluator(options, secrets());
    const events = await evaluateAll(evaluator);
    const pairs = await fixturePairs();
    // Two paid calls per question: model A's answer first, then model B's.
    expect(server.completions).toHaveLength(2 * pairs.length);
    for (const { pair } of pairs) {
      expect(askedWithFirst(pair.answerA)).toHaveLength(1);
      expect(askedWithFirst(pair.answerB)).toHaveLength(1);
    }
    expect(server.requests[0]?.body).toMatchObject({
      model: "gpt-4o-mini",
      temperature: 0,
      max_completion_tokens: 1024,
      response_format: { type: "json_schema", json_schema: { name: "record_verdict", strict: true, schema: { required: ["rationale", "verdict"] } } },
      messages: [{ role: "user", content: expect.stringContaining("<<<answer A ") }],
    });

    const expected = pairs.map((p) => ({ id: p.question.id, category: p.question.category, ...predicted(p.pair) }));
    const all = tallyOf(expected);
    expect(all.win).toBeGreaterThan(0);
    expect(all.loss).toBeGreaterThan(0);
    expect(metric(events, "all", "win")).toBeCloseTo(all.win / pairs.length, 12);
    expect(metric(events, "all", "tie")).toBeCloseTo(all.tie / pairs.length, 12);
    expect(metric(events, "all", "loss")).toBeCloseTo(all.loss / pairs.length, 12);
    expect(metric(events, "all", "inconsistent")).toBe(0);
    expect(metric(events, "all", "parseFailures")).toBe(0);
    expect(events.find((e) => e.subset === "all")?.details).toMatchObject({ questions: 10, judged: 10, ...all, parseFailures: 0, unjudged: 0, a: "ual", b: "sft", judge: "openai:gpt-4o-mini", promptVersion: "ual-judge-v1" });
    for (const category of ["writing", "reasoning", "math", "coding"]) {
      const inCategory = tallyOf(expected.filter((e) => e.category === category));
      const n = expected.filter((e) => e.category === category).length;
      expect(metric(events, category, "win"), category).toBeCloseTo(inCategory.win / n, 12);
      expect(metric(events, category, "loss"), category).toBeCloseTo(inCategory.loss / n, 12);
    }
    expect(new Set(events.map((e) => e.subset))).toEqual(new Set(["coding", "math", "reasoning", "writing", "all"]));

    const records = jsonl(join(runDir, "judge.jsonl"));
    expect(records.map((r) => r.id)).toEqual(pairs.map((p) => p.question.id));
    for (const [i, record] of records.entries()) {
      const e = expected[i];
      expect(record).toMatchObject({ id: e?.id, category: e?.category, outcome: e?.outcome, inconsistent: false, aFirst: { verdict: e?.aFirst, cached: false, rationale: expect.any(String) }, bFirst: { verdict: e?.bFirst } });
    }
  });

  test("a judge that always prefers the answer shown first makes every question an inconsistent tie", async () => {
    server.configure({ verdict: () => "A" });
    const { evaluator } = await createJudgeEvaluator(options, secrets());
    const events = await evaluateAll(evaluator);
    expect([metric(events, "all", "win"), metric(events, "all", "tie"), metric(events, "all", "loss"), metric(events, "all", "inconsistent")]).toEqual([0, 1, 0, 1]);
    expect(events.find((e) => e.subset === "all" && e.metric === "inconsistent")?.details).toMatchObject({ judged: 10, tie: 10, inconsistent: 10 });
  });

  test("combines the two orders by spec §9: win+tie wins, tie+loss loses, win+loss is an inconsistent tie, tie+tie ties", async () => {
    const pairs = await fixturePairs();
    // What the judge says for each question, by order: [a-first, b-first] (positional verdicts).
    const script: Record<string, [Verdict, Verdict]> = {
      "81": ["A", "tie"], // win + tie → win
      "82": ["tie", "A"], // tie + loss → loss
      "83": ["A", "A"], // win + loss → tie, inconsistent
      "101": ["B", "A"], // loss + loss → loss
      "102": ["tie", "tie"], // tie
      "111": ["tie", "B"], // tie + win → win
      "112": ["B", "B"], // loss + win → tie, inconsistent
    };
    const byFirst = new Map<string, Verdict>();
    for (const { question, pair } of pairs) {
      const [aFirst, bFirst] = script[question.id] ?? ["A", "B"];
      byFirst.set(renderTurns(pair.answerA), aFirst);
      byFirst.set(renderTurns(pair.answerB), bFirst);
    }
    const verdict = (judged: JudgedTexts): Verdict => byFirst.get(judged.first ?? "") ?? "tie";
    server.configure({ verdict });
    const { evaluator, runDir } = await createJudgeEvaluator(options, secrets());
    const events = await evaluateAll(evaluator);
    const outcomes = Object.fromEntries(jsonl(join(runDir, "judge.jsonl")).map((r) => [r.id, [r.outcome, r.inconsistent]]));
    expect(outcomes).toEqual({
      "81": ["win", false],
      "82": ["loss", false],
      "83": ["tie", true],
      "101": ["loss", false],
      "102": ["tie", false],
      "111": ["win", false],
      "112": ["tie", true],
      "113": ["win", false],
      "121": ["win", false],
      "122": ["win", false],
    });
    for (const { question, pair } of pairs) expect(predicted(pair, verdict).outcome, question.id).toBe(outcomes[question.id]?.[0]);
    expect(events.find((e) => e.subset === "all" && e.metric === "win")?.details).toMatchObject({ judged: 10, win: 5, tie: 3, loss: 2, inconsistent: 2 });
    expect(metric(events, "all", "inconsistent")).toBeCloseTo(0.2, 12);
  });

  test("re-asks an unreadable reply once; a second one is a parse failure and its question is left out of the rates", async () => {
    const pairs = await fixturePairs();
    const twice = pairs.find((p) => p.question.id === "111")?.pair;
    const once = pairs.find((p) => p.question.id === "112")?.pair;
    if (!twice || !once) throw new Error("fixture questions 111 and 112 are missing");
    const shownFirst = (answer: readonly string[]) => (r: { prompt?: string }) => r.prompt !== undefined && judgedTexts(r.prompt).first === renderTurns(answer);
    server.setFaults([
      { when: shownFirst(twice.answerA), fault: "text", text: "Both answers have their merits.", times: 2 },
      { when: shownFirst(once.answerB), fault: "invalid-verdict" },
    ]);
    const { evaluator, runDir } = await createJudgeEvaluator(options, secrets());
    const events = await evaluateAll(evaluator);
    const askedTwice = askedWithFirst(twice.answerA).map((r) => r.prompt ?? "");
    expect(askedTwice).toEqual([judgePrompt(twice, "a-first"), `${judgePrompt(twice, "a-first")}${JUDGE_REASK_SUFFIX}`]);
    expect(askedWithFirst(once.answerB).map((r) => r.prompt?.endsWith(JUDGE_REASK_SUFFIX))).toEqual([false, true]);
    // 20 judgments, two of them asked again.
    expect(server.completions).toHaveLength(22);
    expect(metric(events, "all", "parseFailures")).toBe(1);
    expect(metric(events, "math", "parseFailures")).toBe(1);
    expect(events.find((e) => e.subset === "all" && e.metric === "win")?.details).toMatchObject({ questions: 10, judged: 9, unjudged: 1, parseFailures: 1 });
    const record = jsonl(join(runDir, "judge.jsonl")).find((r) => r.id === "111");
    expect(record).toMatchObject({ outcome: null, aFirst: { verdict: null, failure: "parse", reason: expect.stringMatching(/^unreadable reply, asked twice: no verdict in the reply/) }, bFirst: { verdict: expect.any(String) } });
    expect(jsonl(join(runDir, "judge.jsonl")).find((r) => r.id === "112")?.outcome).toBe(predicted(once).outcome);
  });

  test("retries a 429 (honouring retry-after-ms) and a 500; every judgment is paid for once", async () => {
    const pairs = await fixturePairs();
    const coding = pairs.filter((p) => p.question.category === "coding").map((p) => p.pair);
    const [first, second] = coding;
    if (!first || !second) throw new Error("fixture coding questions are missing");
    server.setFaults([
      { when: (r) => r.prompt === judgePrompt(first, "a-first"), fault: "429", retryAfterMs: 20 },
      { when: (r) => r.prompt === judgePrompt(second, "b-first"), fault: "500", times: 2 },
    ]);
    const { evaluator } = await createJudgeEvaluator(options, secrets());
    const events = await evaluateAll(evaluator);
    expect(server.requests.filter((r) => r.prompt === judgePrompt(first, "a-first")).map((r) => r.status)).toEqual([429, 200]);
    expect(server.requests.filter((r) => r.prompt === judgePrompt(second, "b-first")).map((r) => r.status)).toEqual([500, 500, 200]);
    expect(server.completions).toHaveLength(20);
    expect(events.find((e) => e.subset === "all" && e.metric === "parseFailures")?.details).toMatchObject({ judged: 10, unjudged: 0 });
  });

  test("a rerun makes zero paid calls and reports the same", async () => {
    const { evaluator, cacheDir } = await createJudgeEvaluator(options, secrets());
    const first = await evaluateAll(evaluator);
    expect(server.completions).toHaveLength(20);
    server.resetCounts();
    const again = await createJudgeEvaluator(options, secrets(), { cacheDir });
    const second = await evaluateAll(again.evaluator);
    expect(server.requests).toHaveLength(0);
    expect(second).toEqual(first);
    const records = jsonl(join(again.runDir, "judge.jsonl"));
    expect(records.every((r) => (r.aFirst as { cached: boolean }).cached && (r.bFirst as { cached: boolean }).cached)).toBe(true);
    expect(records.every((r) => typeof (r.aFirst as { rationale?: string }).rationale === "string")).toBe(true);
  });

  test("the API key appears in no file of the run directory or the cache, even when the API echoes it", async () => {
    server.setFaults([{ when: "Quarterly Financial Report", fault: "echo-key", times: 1 }]);
    const { evaluator, runDir, cacheDir } = await createJudgeEvaluator(options, secrets());
    const events = await evaluateAll(evaluator);
    const echoed = jsonl(join(runDir, "judge.jsonl")).find((r) => r.id === "82");
    expect(JSON.stringify(echoed)).toMatch(/rejected the request \(400\).*\[redacted\]/);
    expect(events.find((e) => e.subset === "all" && e.metric === "win")?.details).toMatchObject({ unjudged: 1 });
    const written = [...filesUnder(runDir), ...filesUnder(cacheDir)];
    expect(written.some((f) => f.endsWith("llm-cache.sqlite"))).toBe(true);
    expect(filesContaining(written, TEST_KEY)).toEqual([]);
  });

  test("turns: all judges the whole two-turn exchange, each turn numbered", async () => {
    const { evaluator } = await createJudgeEvaluator({ ...options, turns: "all" }, secrets());
    const events = await evaluateAll(evaluator);
    const pairs = await fixturePairs("all");
    expect(server.completions).toHaveLength(20);
    expect(server.completions.every((c) => c.prompt.includes("[turn 2]"))).toBe(true);
    const all = tallyOf(pairs.map((p) => predicted(p.pair)));
    expect(metric(events, "all", "win")).toBeCloseTo(all.win / 10, 12);
    expect(metric(events, "all", "tie")).toBeCloseTo(all.tie / 10, 12);
  });

  test("a user's template in the paper's style, answered in free text, is read by spec §6.4's rule", async () => {
    const dir = tempDir();
    const template = join(dir, "paper-judge.txt");
    writeFileSync(template, "Compare the two answers.\n### Question:\n{question}\n### First answer:\n{answer_a}\n### Second answer:\n{answer_b}\nEnd with ### Judgment: 1, 2 or 3.\n");
    // A judge that always finds the first answer better, in the reference's format.
    server.setFaults([{ fault: "text", text: "### Rationale: The first answer is better.\n### Judgment: **1**", times: Number.POSITIVE_INFINITY }]);
    const { evaluator, runDir } = await createJudgeEvaluator({ ...options, promptFile: template, answer: "text" }, secrets());
    const events = await evaluateAll(evaluator);
    expect(server.requests).toHaveLength(20);
    expect(server.requests[0]?.body).not.toHaveProperty("response_format");
    expect(server.requests.every((r) => r.prompt?.startsWith("Compare the two answers.\n### Question:\n"))).toBe(true);
    expect(events.find((e) => e.subset === "all" && e.metric === "tie")).toMatchObject({ value: 1, details: { inconsistent: 10, promptVersion: expect.stringMatching(/^file:[0-9a-f]{12}$/) } });
    expect(jsonl(join(runDir, "judge.jsonl"))[0]).toMatchObject({ aFirst: { verdict: "A", rationale: "The first answer is better." }, bFirst: { verdict: "A" } });
  });

  test("takes model A's answers from the responses artifact, and says what to do when there are none", async () => {
    const { responses: _none, ...withoutResponses } = options;
    const { evaluator } = await createJudgeEvaluator(withoutResponses, secrets());
    await expect(evaluateAll(evaluator)).rejects.toThrow('no answers of model A ("ual") to judge; set responses: <answers.jsonl>');
    expect(server.requests).toHaveLength(0);
    const events = await evaluateAll(evaluator, { responses: RESPONSES });
    expect(metric(events, "all", "parseFailures")).toBe(0);
    expect(server.completions).toHaveLength(20);
  });

  test("fails at creation without the chosen provider's key, or when a model did not answer every question", async () => {
    await expect(createJudgeEvaluator(options, { anthropicApiKey: TEST_KEY })).rejects.toThrow('provider "openai" needs an API key; set OPENAI_API_KEY');
    await expect(createJudgeEvaluator({ ...options, baseline: QUESTIONS }, secrets())).rejects.toThrow('needs "response"');
    const partial = join(tempDir(), "partial.jsonl");
    writeFileSync(partial, readFileSync(BASELINE, "utf8").trim().split("\n").slice(0, 8).join("\n"));
    await expect(createJudgeEvaluator({ ...options, baseline: partial }, secrets())).rejects.toThrow(`${partial} has no answer to 2 of the 10 questions (121, 122)`);
    // With a limit, only the first questions are judged (and need answers).
    const { evaluator } = await createJudgeEvaluator({ ...options, baseline: partial, limit: 3 }, secrets());
    await evaluateAll(evaluator);
    expect(server.completions).toHaveLength(6);
    expect(server.requests).toHaveLength(6);
  });
});
