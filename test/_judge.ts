import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createLogger, type EvalEvent, type EventDraft, type Evaluator, type JsonObject, usePlugin } from "@ual/core";
import { pairAnswers, plugin, readAnswers, readQuestions, type QuestionPair } from "@ual/eval-judge";
import { combineOrders, JUDGE_PROMPT, outcomeOf, renderJudgePrompt, type AnswerOrder, type CombinedOutcome, type JudgePair, type Verdict } from "@ual/llm";
import { ROOT, tempDir } from "./_cli.ts";
import { defaultVerdict, judgedTexts, type JudgedTexts } from "./llm_server/llm_server.mjs";

/** The judge plugin's fixtures: a 10-question MT-bench slice and two models' answers. */
export const FIXTURES = join(ROOT, "plugins", "eval-judge", "fixtures");
export const QUESTIONS = join(FIXTURES, "mt-bench", "question_slice.jsonl");
export const RESPONSES = join(FIXTURES, "responses_ual.jsonl");
export const BASELINE = join(FIXTURES, "responses_sft.jsonl");

/** The fixture questions paired with both models' answers, as the plugin pairs them. */
export async function fixturePairs(turns: "first" | "all" = "first"): Promise<QuestionPair[]> {
  return pairAnswers(await readQuestions(QUESTIONS), await readAnswers(RESPONSES), await readAnswers(BASELINE), turns, { a: RESPONSES, b: BASELINE });
}

/** The prompt the judge sends for one order of a pair (built-in prompt). */
export function judgePrompt(pair: JudgePair, order: AnswerOrder): string {
  return renderJudgePrompt(JUDGE_PROMPT, pair, order);
}

/** The outcome the loopback server's verdicts give a pair (both orders, combined). */
export function predicted(pair: JudgePair, verdict: (judged: JudgedTexts) => Verdict = defaultVerdict): CombinedOutcome & { aFirst: Verdict; bFirst: Verdict } {
  const aFirst = verdict(judgedTexts(judgePrompt(pair, "a-first")));
  const bFirst = verdict(judgedTexts(judgePrompt(pair, "b-first")));
  return { ...combineOrders(outcomeOf(aFirst, "a-first"), outcomeOf(bFirst, "b-first")), aFirst, bFirst };
}

/** A judge evaluator made the way the runner makes it: its options, secrets and a run and cache directory. */
export async function createJudgeEvaluator(
  options: Record<string, unknown>,
  secrets: Record<string, string | undefined>,
  dirs: { runDir?: string; cacheDir?: string; logs?: string[] } = {},
): Promise<{ evaluator: Evaluator; runDir: string; cacheDir: string }> {
  const base = tempDir("ual-judge-");
  const runDir = dirs.runDir ?? join(base, "run");
  const cacheDir = dirs.cacheDir ?? join(base, ".ual");
  const secretEnv = { openaiApiKey: "OPENAI_API_KEY", openaiBaseURL: "OPENAI_BASE_URL", anthropicApiKey: "ANTHROPIC_API_KEY", anthropicBaseURL: "ANTHROPIC_BASE_URL" };
  const evaluator = await usePlugin(plugin, options, {
    baseDir: FIXTURES,
    runDir,
    cacheDir,
    stage: "evaluators[0]",
    secrets,
    secretEnv,
    logger: createLogger((level, message) => dirs.logs?.push(`${level}: ${message}`)),
  });
  return { evaluator, runDir, cacheDir };
}

/** Runs an evaluator to the end and returns its eval events. */
export async function evaluateAll(evaluator: Evaluator, artifacts: Record<string, string> = {}): Promise<Array<EventDraft<EvalEvent>>> {
  const signal = new AbortController().signal;
  const events: Array<EventDraft<EvalEvent>> = [];
  const stream = evaluator.evaluate({ artifacts, samples: async function* () {} }, { signal }) as AsyncIterable<EventDraft>;
  for await (const event of stream) if (event.type === "eval") events.push(event);
  return events;
}

/** An event's value by subset and metric. */
export function metric(events: ReadonlyArray<EventDraft<EvalEvent>>, subset: string, name: string): number | undefined {
  return events.find((e) => e.subset === subset && e.metric === name)?.value;
}

/** The lines of a JSONL file. */
export function jsonl(path: string): JsonObject[] {
  return readFileSync(path, "utf8").trim().split("\n").map((line) => JSON.parse(line) as JsonObject);
}

/** Outcome counts of predicted results. */
export function tallyOf(outcomes: ReadonlyArray<CombinedOutcome>) {
  const count = (o: string) => outcomes.filter((x) => x.outcome === o).length;
  return { win: count("win"), tie: count("tie"), loss: count("loss"), inconsistent: outcomes.filter((x) => x.inconsistent).length };
}
