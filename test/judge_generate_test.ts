import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readAnswers, readQuestions, type JudgeQuestion } from "@ual/eval-judge";
import { renderTurns, type JudgePair } from "@ual/llm";
import { chatPrompt, createByteTokenizer, createGpt2, type Gpt2Model, generate, loadTrainedModel, renderChat, saveGpt2Weights } from "@ual/models";
import { selectBackend } from "@ual/nn";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ROOT, tempDir } from "./_cli.ts";
import { BASELINE, createJudgeEvaluator, evaluateAll, jsonl, metric, predicted, QUESTIONS, tallyOf } from "./_judge.ts";
import { loopbackServerPerTest, runUal, TEST_KEY, until } from "./_llm.ts";
import { E2E_MODEL, readEvents } from "./_train_runs.ts";
import { judgedTexts } from "./llm_server/llm_server.mjs";

// Small enough that answering a few MT-bench questions takes well under a second; the longer
// questions do not fit, so the kept-end path runs too.
const CONTEXT = 320;
const NEW = 8;
const LIMIT = 4;
const tokenizer = createByteTokenizer();
const server = loopbackServerPerTest({ latencyMs: [0, 2] });
const secrets = () => ({ openaiApiKey: TEST_KEY, openaiBaseURL: server.openaiBaseURL });

/** Two "arms": tiny GPT-2 checkpoints as @ual/trainer-tfjs writes them (config.json with a ual block + model.safetensors). */
const arms: Record<"ual" | "sft", { dir: string; model: Gpt2Model }> = {} as never;
let questions: JudgeQuestion[];

beforeAll(async () => {
  await selectBackend("wasm");
  for (const [name, seed] of [["ual", 2], ["sft", 9]] as const) {
    const model = createGpt2({ vocabSize: tokenizer.vocabSize, contextLength: CONTEXT, dModel: 16, layers: 1, heads: 2 }, { seed });
    const dir = tempDir(`ual-judge-${name}-`);
    await saveGpt2Weights(model, join(dir, "model.safetensors"));
    writeFileSync(join(dir, "config.json"), JSON.stringify({ vocab_size: tokenizer.vocabSize, n_positions: CONTEXT, n_embd: 16, n_layer: 1, n_head: 2, ual: { tokenizer: "byte", template: "ual" } }));
    arms[name] = { dir, model };
  }
  questions = (await readQuestions(QUESTIONS)).slice(0, LIMIT);
});
afterAll(() => {
  for (const arm of Object.values(arms)) arm.model.dispose();
});

/** What a model answers after these prompt ids on their own: their end when they are too long. */
function alone(model: Gpt2Model, ids: readonly number[]): string {
  return generate(model, tokenizer, [ids.length >= CONTEXT ? ids.slice(-(CONTEXT - 1)) : ids], { maxNewTokens: NEW, stop: ["\n### User:"] })[0]!.text;
}

/** The judge's options for answering with the trained model (no responses:). */
const judgeOptions = (extra: Record<string, unknown> = {}) => ({
  provider: "openai",
  model: "gpt-4o-mini",
  prompts: QUESTIONS,
  baseline: BASELINE,
  limit: LIMIT,
  labels: { a: "trained", b: "sft" },
  retryBaseDelayMs: 5,
  generate: { maxNewTokens: NEW, batchSize: 3, backend: "wasm" },
  ...extra,
});

/** The judge requests whose answer shown first is `first` and second is `second`. */
const asked = (first: readonly string[], second: readonly string[]) =>
  server.requests.filter((r) => r.prompt !== undefined && judgedTexts(r.prompt).first === renderTurns(first) && judgedTexts(r.prompt).second === renderTurns(second));

describe("@ual/eval-judge answering with the trained model (the model artifact)", () => {
  test("writes the model's answers to responses.jsonl before judging, each as generate() gives it alone, and the judge sees exactly those answers in both orders", async () => {
    const logs: string[] = [];
    const { evaluator, runDir } = await createJudgeEvaluator(judgeOptions(), secrets(), { logs });
    const expected = questions.map((q) => alone(arms.ual.model, chatPrompt(q.turns[0]!, tokenizer)));
    // Not vacuous: the model says something, and not the same thing to every question.
    expect(expected.every((text) => text.length > 0)).toBe(true);
    expect(new Set(expected).size).toBeGreaterThan(1);
    expect(questions.some((q) => chatPrompt(q.turns[0]!, tokenizer).length >= CONTEXT)).toBe(true);

    // Hold the judge's first request: the answers must be on disk by then.
    server.holdAfter(0);
    const running = evaluateAll(evaluator, { model: arms.ual.dir });
    const path = join(runDir, "responses.jsonl");
    await until(() => server.requests.length > 0, "the first judge request");
    expect(existsSync(path)).toBe(true);
    server.release();
    const events = await running;

    expect(jsonl(path)).toEqual(questions.map((q, i) => ({ id: q.id, response: expected[i] })));
    const baseline = await readAnswers(BASELINE);
    expect(server.completions).toHaveLength(2 * LIMIT);
    const pairs: JudgePair[] = [];
    for (const [i, q] of questions.entries()) {
      const mine = [expected[i]!];
      const theirs = baseline.get(q.id)!.slice(0, 1);
      expect(asked(mine, theirs), `question ${q.id}, trained model's answer first`).toHaveLength(1);
      expect(asked(theirs, mine), `question ${q.id}, baseline's answer first`).toHaveLength(1);
      pairs.push({ question: q.turns.slice(0, 1), answerA: mine, answerB: theirs });
    }
    const tally = tallyOf(pairs.map((p) => predicted(p)));
    expect([metric(events, "all", "win"), metric(events, "all", "tie"), metric(events, "all", "loss")]).toEqual([tally.win / LIMIT, tally.tie / LIMIT, tally.loss / LIMIT]);
    expect(logs).toContain(`info: wrote trained's answers to ${LIMIT} questions to ${path}; another run can judge against them with baseline: ${path}`);
    expect(logs.some((l) => l.startsWith(`info: answering ${LIMIT} questions (first turn) with ${arms.ual.dir} on wasm, greedy, at most ${NEW} new tokens`))).toBe(true);
    expect(logs.some((l) => l.startsWith("warn: ") && l.includes(`longer than the model's context (${CONTEXT} tokens)`))).toBe(true);

    // The same run again (a resumed or repeated run): the same greedy answers, so every judgment comes from the cache.
    server.resetCounts();
    const again = await createJudgeEvaluator(judgeOptions(), secrets(), { runDir: join(runDir, "..", "rerun"), cacheDir: join(runDir, "..", ".ual") });
    expect(await evaluateAll(again.evaluator, { model: arms.ual.dir })).toEqual(events);
    expect(jsonl(join(again.runDir, "responses.jsonl"))).toEqual(jsonl(path));
    expect(server.requests).toHaveLength(0);
  });

  test("a second run judges another trained model against the first run's responses.jsonl as its baseline", async () => {
    const first = await createJudgeEvaluator(judgeOptions({ labels: { a: "sft", b: "reference" } }), secrets());
    await evaluateAll(first.evaluator, { model: arms.sft.dir });
    const sftAnswers = join(first.runDir, "responses.jsonl");

    server.resetCounts();
    const second = await createJudgeEvaluator(judgeOptions({ baseline: sftAnswers, labels: { a: "ual", b: "sft" } }), secrets());
    const events = await evaluateAll(second.evaluator, { model: arms.ual.dir });
    const ual = questions.map((q) => alone(arms.ual.model, chatPrompt(q.turns[0]!, tokenizer)));
    const sft = questions.map((q) => alone(arms.sft.model, chatPrompt(q.turns[0]!, tokenizer)));
    expect(ual).not.toEqual(sft);
    expect(server.completions).toHaveLength(2 * LIMIT);
    for (const [i, q] of questions.entries()) {
      expect(asked([ual[i]!], [sft[i]!]), q.id).toHaveLength(1);
      expect(asked([sft[i]!], [ual[i]!]), q.id).toHaveLength(1);
    }
    const tally = tallyOf(questions.map((q, i) => predicted({ question: q.turns.slice(0, 1), answerA: [ual[i]!], answerB: [sft[i]!] })));
    expect(metric(events, "all", "win")).toBe(tally.win / LIMIT);
    expect(metric(events, "all", "loss")).toBe(tally.loss / LIMIT);
    expect(events.find((e) => e.subset === "all")?.details).toMatchObject({ questions: LIMIT, judged: LIMIT, a: "ual", b: "sft" });
  });

  test("turns: all answers every turn, later turns after the model's own earlier answers, and judges the whole exchange", async () => {
    const { evaluator, runDir } = await createJudgeEvaluator(judgeOptions({ turns: "all", limit: 2 }), secrets());
    await evaluateAll(evaluator, { model: arms.ual.dir });
    const baseline = await readAnswers(BASELINE);
    const written = jsonl(join(runDir, "responses.jsonl"));
    expect(written).toHaveLength(2);
    for (const [i, q] of questions.slice(0, 2).entries()) {
      const a1 = alone(arms.ual.model, chatPrompt(q.turns[0]!, tokenizer));
      const history = renderChat([{ role: "user", content: q.turns[0]! }, { role: "assistant", content: a1 }], tokenizer).inputIds;
      const a2 = alone(arms.ual.model, [...history, ...chatPrompt(q.turns[1]!, tokenizer)]);
      expect(written[i]).toEqual({ id: q.id, response: [a1, a2] });
      expect(asked([a1, a2], baseline.get(q.id)!), q.id).toHaveLength(1);
      expect(asked(baseline.get(q.id)!, [a1, a2]), q.id).toHaveLength(1);
    }
    expect(server.completions).toHaveLength(4);
  });

  test("without responses:, a responses artifact or a model artifact, the stage fails saying what to add", async () => {
    const { evaluator } = await createJudgeEvaluator(judgeOptions(), secrets());
    await expect(evaluateAll(evaluator)).rejects.toThrow(/no answers of model A \("trained"\) to judge; set responses: .* or put a trainer stage before the evaluators/);
    expect(server.requests).toHaveLength(0);
  });
});

/**
 * A manifest that trains a tiny model for two steps and then judges it against `baseline`. A wide
 * initialisation makes two steps' models of different seeds answer differently (a default tiny
 * model answers blanks after two steps, whatever its seed).
 */
function trainAndJudge(dir: string, name: string, seed: number, judge: Record<string, unknown>): string {
  const manifest = {
    apiVersion: "ual/v1",
    name,
    run: { seed },
    stages: {
      source: { use: "@ual/source-jsonl", with: { path: join(ROOT, "examples", "data", "mixed.jsonl") } },
      trainer: { use: "@ual/trainer-tfjs", with: { model: { ...E2E_MODEL, initStd: 0.2 }, tokenizer: "byte", backend: "wasm", batchSize: 4, maxSteps: 2, checkpointEvery: 2 } },
      evaluators: [{ use: "@ual/eval-judge", with: { provider: "openai", model: "gpt-4o-mini", prompts: QUESTIONS, limit: 3, retryBaseDelayMs: 5, generate: { maxNewTokens: 8, backend: "wasm" }, ...judge } }],
    },
  };
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify(manifest));
  return path;
}

describe("ual run: train, then judge the trained model", () => {
  test("the judge answers with the run's checkpoint and writes responses.jsonl; a second arm's run judges against that file", async () => {
    const dir = tempDir();
    const env = { OPENAI_API_KEY: TEST_KEY, OPENAI_BASE_URL: server.openaiBaseURL };
    const run = async (file: string) => {
      const { code, stdout, stderr } = await runUal(["run", file, "--runs-dir", join(dir, "runs"), "--json"], { cwd: dir, env }).done;
      expect(code, stderr).toBe(0);
      const result = JSON.parse(stdout) as { status: string; runDir: string };
      expect(result.status).toBe("completed");
      const checkpoint = readEvents(result.runDir).filter((e) => e.type === "checkpoint").at(-1)?.path as string;
      const trained = await loadTrainedModel(checkpoint);
      try {
        const answers = questions.slice(0, 3).map((q) => {
          const ids = chatPrompt(q.turns[0]!, trained.tokenizer, trained.template);
          const cut = ids.length >= trained.model.config.contextLength ? ids.slice(-(trained.model.config.contextLength - 1)) : ids;
          return generate(trained.model, trained.tokenizer, [cut], { maxNewTokens: 8, stop: ["\n### User:"] })[0]!.text;
        });
        return { runDir: result.runDir, answers };
      } finally {
        trained.model.dispose();
      }
    };

    const sft = await run(trainAndJudge(dir, "sft", 1, { baseline: BASELINE, labels: { a: "sft", b: "reference" } }));
    const sftFile = join(sft.runDir, "responses.jsonl");
    expect(jsonl(sftFile)).toEqual(questions.slice(0, 3).map((q, i) => ({ id: q.id, response: sft.answers[i] })));
    expect(readEvents(sft.runDir).some((e) => e.type === "log" && e.message === `wrote sft's answers to 3 questions to ${sftFile}; another run can judge against them with baseline: ${sftFile}`)).toBe(true);
    const baseline = await readAnswers(BASELINE);
    for (const [i, q] of questions.slice(0, 3).entries()) {
      expect(asked([sft.answers[i]!], baseline.get(q.id)!.slice(0, 1)), q.id).toHaveLength(1);
      expect(asked(baseline.get(q.id)!.slice(0, 1), [sft.answers[i]!]), q.id).toHaveLength(1);
    }

    server.resetCounts();
    const ual = await run(trainAndJudge(dir, "ual", 2, { baseline: sftFile, labels: { a: "ual", b: "sft" } }));
    // Two arms that answer differently (else both orders would be one judgment): the run judges its own answers against the first run's.
    expect(ual.answers.every((answer, i) => answer !== sft.answers[i])).toBe(true);
    expect(server.completions).toHaveLength(6);
    for (const [i, q] of questions.slice(0, 3).entries()) {
      expect(asked([ual.answers[i]!], [sft.answers[i]!]), q.id).toHaveLength(1);
      expect(asked([sft.answers[i]!], [ual.answers[i]!]), q.id).toHaveLength(1);
    }
    const evals = readEvents(ual.runDir).filter((e) => e.type === "eval" && e.subset === "all" && e.metric === "win");
    expect(evals[0]?.details).toMatchObject({ questions: 3, judged: 3, a: "ual", b: "sft" });
  });
});
