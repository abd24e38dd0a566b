import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseManifestText } from "@ual/core";
import { RUBRIC, renderPrompt } from "@ual/llm";
import { normalizeRecord } from "@ual/source-jsonl";
import { describe, expect, test } from "vitest";
import { ROOT, tempDir, ual } from "./_cli.ts";
import { loopbackServerPerTest, runUal, TEST_KEY } from "./_llm.ts";
import { E2E_MODEL, readEvents } from "./_train_runs.ts";
import { conversationOf, defaultScore } from "./llm_server/llm_server.mjs";

/**
 * The loopback server's rule for this test, by content: a conversation with GSM8K's `#### answer`
 * marker (one right answer) gets 0–29, anything else 60–99; the hash spreads scores within a band
 * so that each sample's rating is its own and a rating given to the wrong sample shows.
 */
const ruleScore = (prompt: string) => (conversationOf(prompt).includes("####") ? defaultScore(prompt) % 30 : 60 + (defaultScore(prompt) % 40));

const server = loopbackServerPerTest({ latencyMs: [0, 2], score: ruleScore });

const DATA = join(ROOT, "examples", "data");
const lines = (path: string) =>
  readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>);

/** examples/real-data.yaml with absolute data paths and a trainer and evaluators shrunk to seconds. */
function shrunkManifest(dir: string): string {
  const manifest = parseManifestText(readFileSync(join(ROOT, "examples", "real-data.yaml"), "utf8")).data as {
    stages: {
      source: { with: { path: string } };
      trainer: { with: Record<string, unknown> };
      evaluators: Array<{ use: string; with: { data: { jsonl: string } } & Record<string, unknown> }>;
    };
  };
  const { stages } = manifest;
  stages.source.with.path = join(DATA, "real-data-train.jsonl");
  stages.trainer.with = { ...stages.trainer.with, model: { ...E2E_MODEL, contextLength: 512 }, backend: "wasm", threads: 1, maxSteps: 3, checkpointEvery: 3 };
  for (const evaluator of stages.evaluators) {
    evaluator.with = { ...evaluator.with, backend: "wasm", data: { jsonl: join(DATA, "real-data-heldout.jsonl") } };
    if (evaluator.use === "@ual/eval-exact-match") evaluator.with.maxNewTokens = 4;
  }
  const path = join(dir, "real-data.json");
  writeFileSync(path, JSON.stringify(manifest, null, 2));
  return path;
}

describe("examples/real-data.yaml", () => {
  test("the cost its header quotes is what `ual estimate` prints (offline: no key, no call)", () => {
    const manifest = join(ROOT, "examples", "real-data.yaml");
    const header = readFileSync(manifest, "utf8").split("\n");
    const from = header.findIndex((line) => line.startsWith("# Cost, as `npx ual estimate"));
    const quoted = header.slice(from + 1, from + 5).map((line) => line.replace(/^#\s+/, ""));
    expect(quoted).toHaveLength(4);
    const { code, stdout, stderr } = ual(["estimate", manifest], { cwd: tempDir(), env: { OPENAI_API_KEY: "" } });
    expect(code, stderr).toBe(0);
    for (const line of quoted) expect(stdout).toContain(line);
  });

  test("rates every sample on the loopback OpenAI server, maps to ε with mean α, trains and evaluates", async () => {
    const dir = tempDir();
    const { done } = runUal(["run", shrunkManifest(dir), "--runs-dir", join(dir, "runs"), "--json", "--quiet"], {
      cwd: dir,
      env: { OPENAI_API_KEY: TEST_KEY, OPENAI_BASE_URL: server.openaiBaseURL },
    });
    const { code, stdout, stderr } = await done;
    expect(code, stderr).toBe(0);
    const result = JSON.parse(stdout) as { status: string; runDir: string };
    expect(result.status).toBe("completed");
    const events = readEvents(result.runDir);

    // Every training sample got the rating the server gave its own conversation.
    const records = lines(join(DATA, "real-data-train.jsonl"));
    const subsetOf = new Map(records.map((r) => [r.id as string, r.subset as string]));
    const expected = Object.fromEntries(
      records.map((record) => {
        const normalized = normalizeRecord(record);
        if (!normalized.ok) throw new Error(normalized.reason);
        return [normalized.sample.id, ruleScore(renderPrompt(RUBRIC, normalized.sample.turns))];
      }),
    );
    const ratings = events.filter((e) => e.type === "uncertainty");
    expect(Object.fromEntries(ratings.map((e) => [e.sampleId, e.score]))).toEqual(expected);
    expect(ratings.every((e) => e.source === "openai:gpt-4.1-mini" && e.cached === undefined)).toBe(true);
    expect(server.completions).toHaveLength(records.length);

    // Writing tasks (open-ended) were rated above the math problems, and smoothed more.
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const meanScore = (subset: string) => mean(ratings.filter((e) => subsetOf.get(e.sampleId as string) === subset).map((e) => e.score as number));
    expect(meanScore("open-ended")).toBeGreaterThan(meanScore("math") + 30);
    const smoothing = lines(join(result.runDir, "smoothing.jsonl"));
    expect(smoothing).toHaveLength(records.length);
    expect(mean(smoothing.map((r) => r.smoothing as number))).toBeCloseTo(0.1, 9);
    const meanEpsilon = (subset: string) => mean(smoothing.filter((r) => subsetOf.get(r.id as string) === subset).map((r) => r.smoothing as number));
    expect(meanEpsilon("open-ended")).toBeGreaterThan(meanEpsilon("math"));

    // It trained and was evaluated: held-out NLL per subset, exact match on the GSM8K slice.
    expect(events.filter((e) => e.type === "train.step").map((e) => e.step)).toEqual([1, 2, 3]);
    const evals = events.filter((e) => e.type === "eval");
    const nll = evals.filter((e) => e.evaluator === "@ual/eval-nll");
    expect(nll.map((e) => e.subset ?? "all").sort()).toEqual(["all", "classification", "math", "open-ended"]);
    expect(nll.every((e) => Number.isFinite(e.value) && (e.value as number) > 0)).toBe(true);
    const exact = evals.filter((e) => e.evaluator === "@ual/eval-exact-match");
    expect(exact).toHaveLength(1);
    expect(exact[0]).toMatchObject({ metric: "accuracy", subset: "math", details: { samples: 20 } });
  });
});
