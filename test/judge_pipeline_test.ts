import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { JsonObject } from "@ual/core";
import { describe, expect, test } from "vitest";
import { tempDir } from "./_cli.ts";
import { BASELINE, fixturePairs, jsonl, predicted, QUESTIONS, RESPONSES, tallyOf } from "./_judge.ts";
import { filesContaining, filesUnder, loopbackServerPerTest, runUal, TEST_KEY } from "./_llm.ts";

const server = loopbackServerPerTest({ latencyMs: [0, 2] });

/** A manifest that reads the MT-bench slice as its source and judges the two fixture answer files. */
function manifest(dir: string, provider: "openai" | "anthropic", model: string): string {
  const path = join(dir, "judge.yaml");
  const judge = { provider, model, prompts: QUESTIONS, responses: RESPONSES, baseline: BASELINE, labels: { a: "ual", b: "sft" }, retryBaseDelayMs: 5 };
  writeFileSync(
    path,
    [
      "apiVersion: ual/v1",
      "name: judge-mt-bench",
      "stages:",
      "  source:",
      '    use: "@ual/source-jsonl"',
      `    with: { path: ${JSON.stringify(QUESTIONS)} }`,
      "  evaluators:",
      '    - use: "@ual/eval-judge"',
      `      with: ${JSON.stringify(judge)}`,
    ].join("\n"),
  );
  return path;
}

interface RunResult {
  status: string;
  runDir: string;
  summary: Record<string, unknown>;
}

async function run(dir: string, file: string, env: Record<string, string>, extra: string[] = []): Promise<RunResult> {
  const child = runUal(["run", file, "--runs-dir", join(dir, "runs"), "--json", ...extra], { cwd: dir, env });
  const { code, stdout, stderr } = await child.done;
  expect(code, stderr).toBe(0);
  return JSON.parse(stdout) as RunResult;
}

describe("ual run with @ual/eval-judge as an evaluator", () => {
  test("OpenAI: judges the MT-bench slice in both orders, logs the rates, writes judge.jsonl; a rerun pays nothing; the key is written nowhere", async () => {
    const dir = tempDir();
    const file = manifest(dir, "openai", "gpt-4o-mini");
    const env = { OPENAI_API_KEY: TEST_KEY, OPENAI_BASE_URL: server.openaiBaseURL };
    const first = await run(dir, file, env);
    expect(first.status).toBe("completed");
    expect(server.completions).toHaveLength(20);

    const expected = tallyOf((await fixturePairs()).map((p) => predicted(p.pair)));
    expect(first.summary).toMatchObject({
      samples: 10,
      "eval:@ual/eval-judge:all:win": expected.win / 10,
      "eval:@ual/eval-judge:all:tie": expected.tie / 10,
      "eval:@ual/eval-judge:all:loss": expected.loss / 10,
      "eval:@ual/eval-judge:all:inconsistent": 0,
      "eval:@ual/eval-judge:all:parseFailures": 0,
    });
    expect(Object.keys(first.summary).filter((k) => k.endsWith(":win")).sort()).toEqual(
      ["all", "coding", "math", "reasoning", "writing"].map((s) => `eval:@ual/eval-judge:${s}:win`),
    );
    const events = jsonl(join(first.runDir, "events.jsonl"));
    const evals = events.filter((e) => e.type === "eval");
    expect(evals.every((e) => e.evaluator === "@ual/eval-judge")).toBe(true);
    expect(evals.find((e) => e.subset === "all" && e.metric === "win")?.details).toMatchObject({ questions: 10, judged: 10, a: "ual", b: "sft", judge: "openai:gpt-4o-mini" });
    expect(events.some((e) => e.type === "log" && String(e.message).startsWith("ual vs sft, judged by openai:gpt-4o-mini in both orders on 10 questions"))).toBe(true);
    const records = jsonl(join(first.runDir, "judge.jsonl"));
    expect(records).toHaveLength(10);
    expect(records[0]).toMatchObject({ id: "81", category: "writing", aFirst: { verdict: expect.any(String), rationale: expect.any(String) }, bFirst: { verdict: expect.any(String) } });

    server.resetCounts();
    const second = await run(dir, file, env, ["--fresh"]);
    expect(second.runDir).not.toBe(first.runDir);
    expect(server.requests).toHaveLength(0);
    const metrics = (summary: Record<string, unknown>) => Object.fromEntries(Object.entries(summary).filter(([k]) => k.startsWith("eval:")));
    expect(metrics(second.summary)).toEqual(metrics(first.summary));
    expect(jsonl(join(second.runDir, "judge.jsonl")).every((r) => (r.aFirst as JsonObject).cached === true)).toBe(true);

    const written = filesUnder(dir);
    expect(existsSync(join(dir, ".ual", "llm-cache.sqlite"))).toBe(true);
    expect(written.filter((f) => f.endsWith("judge.jsonl"))).toHaveLength(2);
    expect(filesContaining(written, TEST_KEY)).toEqual([]);
  });

  test("Anthropic: the same manifest with provider: anthropic judges through Claude's forced tool call", async () => {
    const dir = tempDir();
    const env = { ANTHROPIC_API_KEY: TEST_KEY, ANTHROPIC_BASE_URL: server.anthropicBaseURL };
    const result = await run(dir, manifest(dir, "anthropic", "claude-haiku-4-5"), env);
    expect(result.status).toBe("completed");
    expect(server.completions.filter((c) => c.api === "anthropic")).toHaveLength(20);
    expect(result.summary["eval:@ual/eval-judge:all:parseFailures"]).toBe(0);
    expect(jsonl(join(result.runDir, "judge.jsonl"))).toHaveLength(10);
    expect(filesContaining(filesUnder(dir), TEST_KEY)).toEqual([]);
  });

  test("without the chosen provider's key the run fails before judging, naming the variable", async () => {
    const dir = tempDir();
    const child = runUal(["run", manifest(dir, "anthropic", "claude-haiku-4-5"), "--runs-dir", join(dir, "runs"), "--json"], {
      cwd: dir,
      env: { OPENAI_API_KEY: TEST_KEY, ANTHROPIC_API_KEY: "" },
    });
    const { code, stdout } = await child.done;
    expect(code).not.toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ status: "failed", error: expect.stringContaining("set ANTHROPIC_API_KEY") });
    expect(server.requests).toHaveLength(0);
  });
});
