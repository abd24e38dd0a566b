import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadManifest, parseManifestText, resolveManifest, runPipeline, type JsonObject } from "@ual/core";
import { describe, expect, test } from "vitest";
import { ROOT, tempDir } from "./_cli.ts";
import { filesContaining, filesUnder, loopbackServerPerTest, TEST_KEY } from "./_llm.ts";

const server = loopbackServerPerTest({ latencyMs: [0, 2] });

const EXAMPLES = join(ROOT, "examples");
const providers = [
  { name: "openai", file: "elicit-openai.yaml", env: () => ({ OPENAI_API_KEY: TEST_KEY, OPENAI_BASE_URL: server.openaiBaseURL }) },
  { name: "anthropic", file: "elicit-anthropic.yaml", env: () => ({ ANTHROPIC_API_KEY: TEST_KEY, ANTHROPIC_BASE_URL: server.anthropicBaseURL }) },
] as const;

/** An example manifest with some of its uncertainty options changed (still resolved against examples/). */
async function exampleWith(file: string, changes: Record<string, unknown>) {
  const data = parseManifestText(readFileSync(join(EXAMPLES, file), "utf8")).data as { stages: { uncertainty: { with: Record<string, unknown> } } };
  Object.assign(data.stages.uncertainty.with, changes);
  return resolveManifest(data, { baseDir: EXAMPLES, file: join(EXAMPLES, file) });
}

function run(resolved: Awaited<ReturnType<typeof loadManifest>>, dirs: { runs: string; cache: string }, env: Record<string, string>) {
  return runPipeline(resolved, { runsDir: dirs.runs, cacheDir: dirs.cache, env, resume: "never" });
}

const lines = (path: string) => readFileSync(path, "utf8").trim().split("\n").map((l) => JSON.parse(l) as JsonObject);

describe.each(providers)("examples/$file", ({ file, env }) => {
  test("rates the bundled data against the loopback server and maps it to ε; a rerun makes zero paid calls", async () => {
    const dirs = { runs: tempDir(), cache: tempDir() };
    const resolved = await loadManifest(join(EXAMPLES, file));
    const first = await run(resolved, dirs, env());
    expect(first.status, first.error?.message).toBe("completed");
    expect(first.summary).toMatchObject({ samples: 100, scored: 100, failed: 0, cached: 0 });
    expect(first.summary.costUsd).toBeGreaterThan(0);
    const rows = lines(first.outputs.smoothing as string);
    expect(rows).toHaveLength(100);
    expect(rows.reduce((sum, r) => sum + (r.smoothing as number), 0) / rows.length).toBeCloseTo(0.1, 9);
    expect(server.completions).toHaveLength(100);
    const events = lines(join(first.runDir, "events.jsonl")).filter((e) => e.type === "uncertainty");
    expect(events.every((e) => typeof (e.cost as { usd?: number } | undefined)?.usd === "number" && e.cached === undefined)).toBe(true);

    const second = await run(resolved, dirs, env());
    expect(second.status).toBe("completed");
    expect(second.summary).toMatchObject({ samples: 100, scored: 100, cached: 100, costUsd: 0 });
    expect(server.completions).toHaveLength(100);
    expect(lines(second.outputs.smoothing as string)).toEqual(rows);
  });

  test("runs in batch mode through the batch API, at half the price", async () => {
    const dirs = { runs: tempDir(), cache: tempDir() };
    const sync = await run(await loadManifest(join(EXAMPLES, file)), { runs: tempDir(), cache: tempDir() }, env());
    const resolved = await exampleWith(file, { mode: "batch", batchWindowMs: 20, batchPollMs: 20 });
    const result = await run(resolved, dirs, env());
    expect(result.status, result.error?.message).toBe("completed");
    expect(result.summary).toMatchObject({ samples: 100, scored: 100 });
    expect(server.batchIds).toHaveLength(1);
    expect(server.completions.filter((c) => c.via === "batch")).toHaveLength(100);
    expect(result.summary.costUsd as number).toBeCloseTo((sync.summary.costUsd as number) / 2, 9);
  });
});

describe("maxCostUsd", () => {
  test("stops paid calls before the budget is passed; the rest get null scores the mapper imputes", async () => {
    const dirs = { runs: tempDir(), cache: tempDir() };
    const budget = 0.002;
    const resolved = await exampleWith("elicit-openai.yaml", { maxCostUsd: budget, concurrency: 2 });
    const result = await run(resolved, dirs, { OPENAI_API_KEY: TEST_KEY, OPENAI_BASE_URL: server.openaiBaseURL });
    expect(result.status).toBe("completed");
    const paid = server.completions.length;
    expect(paid).toBeGreaterThan(0);
    expect(paid).toBeLessThan(100);
    expect(result.summary.costUsd as number).toBeLessThanOrEqual(budget);
    expect(result.summary).toMatchObject({ scored: paid, failed: 100 - paid, mapping: { imputed: 100 - paid } });
    const nulls = lines(join(result.runDir, "events.jsonl")).filter((e) => e.type === "uncertainty" && e.score === null);
    expect(nulls.every((e) => e.reason === "budget exhausted")).toBe(true);
    const warnings = lines(join(result.runDir, "events.jsonl")).filter((e) => e.type === "log" && e.level === "warn" && String(e.message).includes("maxCostUsd"));
    expect(warnings).toHaveLength(1);

    // A larger budget finishes the job, paying only for what is missing.
    const more = await run(await exampleWith("elicit-openai.yaml", { maxCostUsd: 1 }), dirs, { OPENAI_API_KEY: TEST_KEY, OPENAI_BASE_URL: server.openaiBaseURL });
    expect(more.summary).toMatchObject({ scored: 100, cached: paid });
    expect(server.completions).toHaveLength(100);
  });
});

describe("secrets", () => {
  test("the API key appears in no file a run writes, nor in the cache, even when the API echoes it or refuses it", async () => {
    server.setFaults([{ when: "Natalia", fault: "echo-key", times: 10 }]);
    const dirs = { runs: tempDir(), cache: tempDir() };
    const env = { OPENAI_API_KEY: TEST_KEY, OPENAI_BASE_URL: server.openaiBaseURL };
    const ok = await run(await loadManifest(join(EXAMPLES, "elicit-openai.yaml")), dirs, env);
    expect(ok.status).toBe("completed");
    const echoed = lines(join(ok.runDir, "events.jsonl")).find((e) => e.type === "uncertainty" && e.score === null);
    expect(echoed?.reason).toMatch(/rejected the request \(400\).*\[redacted\]/);

    const wrong = "sk-test-WRONGKEY-abcdef0123456789";
    const refused = await run(await loadManifest(join(EXAMPLES, "elicit-anthropic.yaml")), dirs, { ANTHROPIC_API_KEY: wrong, ANTHROPIC_BASE_URL: server.anthropicBaseURL });
    expect(refused.status).toBe("failed");
    expect(refused.error?.message).toContain("set ANTHROPIC_API_KEY");

    const written = [...filesUnder(dirs.runs), ...filesUnder(dirs.cache)];
    expect(written.some((f) => f.endsWith("llm-cache.sqlite"))).toBe(true);
    expect(written.filter((f) => f.endsWith("events.jsonl"))).toHaveLength(2);
    expect(filesContaining(written, TEST_KEY)).toEqual([]);
    expect(filesContaining(written, wrong)).toEqual([]);
  });
});
