import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseManifestText } from "@ual/core";
import { promptAndAnswer, subsetOf } from "@ual/eval-data";
import { type DataFile, readSamples, type SplitPart } from "@ual/formats";
import { RUBRIC, renderPrompt } from "@ual/llm";
import { chatPrompt, createByteTokenizer } from "@ual/models";
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

const EXAMPLES = join(ROOT, "examples");
const CONTEXT = 512;
const lines = (path: string) =>
  readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>);

type FileEntry = string | { path: string; subset?: string };
type Split = { heldout: number; seed: number; part: SplitPart };
interface RealDataManifest {
  stages: {
    source: { with: { path: FileEntry[]; split: Split } };
    trainer: { with: Record<string, unknown> };
    evaluators: Array<{ use: string; with: { data: { jsonl: FileEntry[]; split: Split } } & Record<string, unknown> }>;
  };
}

const readManifest = () => parseManifestText(readFileSync(join(EXAMPLES, "real-data.yaml"), "utf8")).data as RealDataManifest;
/** The manifest's file list with paths made absolute (new objects: YAML aliases share them). */
const absolute = (files: FileEntry[]): Array<{ path: string; subset?: string }> =>
  files.map((entry) => (typeof entry === "string" ? { path: join(EXAMPLES, entry) } : { ...entry, path: join(EXAMPLES, entry.path) }));

async function samplesOf(files: readonly DataFile[], split?: Split) {
  const out = [];
  for await (const sample of readSamples(files, split === undefined ? {} : { split })) out.push(sample);
  return out;
}

/** examples/real-data.yaml with absolute data paths and a trainer and evaluators shrunk to seconds. */
function shrunkManifest(dir: string): string {
  const manifest = readManifest();
  const { stages } = manifest;
  stages.source.with = { ...stages.source.with, path: absolute(stages.source.with.path) };
  stages.trainer.with = { ...stages.trainer.with, model: { ...E2E_MODEL, contextLength: CONTEXT }, backend: "wasm", threads: 1, maxSteps: 3, checkpointEvery: 3 };
  stages.evaluators = stages.evaluators.map((evaluator) => {
    const data = { ...evaluator.with.data, jsonl: absolute(evaluator.with.data.jsonl) };
    return { ...evaluator, with: { ...evaluator.with, backend: "wasm", data, ...(evaluator.use === "@ual/eval-exact-match" ? { maxNewTokens: 4 } : {}) } };
  });
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

    // The source and the evaluators read the same files, one part of the same split each.
    const { stages } = readManifest();
    const files = absolute(stages.source.with.path);
    const heldOutOptions = stages.evaluators.map((e) => e.with.data);
    for (const data of heldOutOptions) {
      expect(absolute(data.jsonl)).toEqual(files);
      expect({ ...data.split, part: "train" }).toEqual(stages.source.with.split);
      expect(data.split.part).toBe("heldout");
    }
    const train = await samplesOf(files, stages.source.with.split);
    const heldout = await samplesOf(files, heldOutOptions[0]!.split);
    const records = files.reduce((n, f) => n + lines(f.path).length, 0);
    expect(train.length + heldout.length).toBe(records);
    const heldOutIds = new Set(heldout.map((s) => s.id));
    expect(train.filter((s) => heldOutIds.has(s.id))).toEqual([]);
    expect(heldout.length).toBeGreaterThan(records * 0.05);

    // Every training sample got the rating the server gave its own conversation, and no held-out one was rated.
    const expected = Object.fromEntries(train.map((sample) => [sample.id, ruleScore(renderPrompt(RUBRIC, sample.turns))]));
    const ratings = events.filter((e) => e.type === "uncertainty");
    expect(Object.fromEntries(ratings.map((e) => [e.sampleId, e.score]))).toEqual(expected);
    expect(ratings.every((e) => e.source === "openai:gpt-4.1-mini" && e.cached === undefined)).toBe(true);
    expect(server.completions).toHaveLength(train.length);

    // Writing tasks (open-ended) were rated above the math problems, and smoothed more.
    const kindOf = new Map(train.map((s) => [s.id, subsetOf(s) === "math" ? "math" : s.metadata.is_classification === true ? "classification" : "open-ended"]));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const meanScore = (kind: string) => mean(ratings.filter((e) => kindOf.get(e.sampleId as string) === kind).map((e) => e.score as number));
    expect(meanScore("open-ended")).toBeGreaterThan(meanScore("math") + 30);
    const smoothing = lines(join(result.runDir, "smoothing.jsonl"));
    expect(smoothing).toHaveLength(train.length);
    expect(mean(smoothing.map((r) => r.smoothing as number))).toBeCloseTo(0.1, 9);
    const meanEpsilon = (kind: string) => mean(smoothing.filter((r) => kindOf.get(r.id as string) === kind).map((r) => r.smoothing as number));
    expect(meanEpsilon("open-ended")).toBeGreaterThan(meanEpsilon("math"));

    // It trained and was evaluated on the held-out part: NLL per subset file, exact match on the GSM8K part.
    expect(events.filter((e) => e.type === "train.step").map((e) => e.step)).toEqual([1, 2, 3]);
    const evals = events.filter((e) => e.type === "eval");
    const nll = evals.filter((e) => e.evaluator === "@ual/eval-nll");
    expect(nll.map((e) => e.subset ?? "all").sort()).toEqual(["all", "math", "self-instruct"]);
    expect(nll.every((e) => Number.isFinite(e.value) && (e.value as number) > 0)).toBe(true);
    // Held-out dialogues longer than the context were scored, cut, and counted (byte tokens: one per byte).
    const tokenizer = createByteTokenizer();
    const lengths = heldout.map((s) => {
      const { prompt, answer } = promptAndAnswer(s);
      return { subset: subsetOf(s), prompt: chatPrompt(prompt, tokenizer, "ual").length, answer: tokenizer.encode(answer).length + 1 };
    });
    const truncation = (subset?: string) => {
      const mine = lengths.filter((l) => subset === undefined || l.subset === subset);
      return {
        samples: mine.length,
        promptTruncated: mine.filter((l) => l.prompt + Math.min(l.answer, CONTEXT - 1) > CONTEXT).length,
        answerTruncated: mine.filter((l) => l.answer > CONTEXT - 1).length,
        contextLength: CONTEXT,
      };
    };
    for (const event of nll) {
      const subset = event.subset as string | undefined;
      expect(event.details, subset).toEqual(truncation(subset));
    }
    expect(truncation().promptTruncated).toBeGreaterThan(0);
    const exact = evals.filter((e) => e.evaluator === "@ual/eval-exact-match");
    expect(exact).toHaveLength(1);
    expect(exact[0]).toMatchObject({ metric: "accuracy", subset: "math", details: { samples: heldout.filter((s) => subsetOf(s) === "math").length } });
  });
});
