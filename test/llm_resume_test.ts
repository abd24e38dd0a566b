import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, test } from "vitest";
import { ROOT, tempDir } from "./_cli.ts";
import { loopbackServerPerTest, runUal, TEST_KEY, until } from "./_llm.ts";

const server = loopbackServerPerTest({ latencyMs: [2, 10] });

function manifest(dir: string, uncertainty: string): string {
  const path = join(dir, "elicit.yaml");
  writeFileSync(
    path,
    [
      "apiVersion: ual/v1",
      "name: elicit-kill",
      "stages:",
      "  source:",
      '    use: "@ual/source-jsonl"',
      `    with: { path: ${JSON.stringify(join(ROOT, "examples/data/mixed.jsonl"))} }`,
      "  uncertainty:",
      '    use: "@ual/uncertainty-openai"',
      `    with: { model: gpt-4.1-mini, ${uncertainty} }`,
      "  mapper:",
      '    use: "@ual/mapper-truncated-linear"',
    ].join("\n"),
  );
  return path;
}

/** Counts rows of a table in the child's cache database, read from this process. */
function count(file: string, table: "replies" | "batches"): number {
  if (!existsSync(file)) return 0;
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
  } catch {
    return 0;
  } finally {
    db.close();
  }
}

describe("ual run with an LLM estimator, killed with SIGKILL and run again", () => {
  test("sync: the rerun repeats none of the calls that had completed, and finishes the rest", async () => {
    const dir = tempDir();
    const file = manifest(dir, "concurrency: 4");
    const cache = join(dir, ".ual", "llm-cache.sqlite");
    const env = { OPENAI_API_KEY: TEST_KEY, OPENAI_BASE_URL: server.openaiBaseURL };
    // After 20 answers the server holds every request, so the kill lands with calls in flight.
    server.holdAfter(20);
    const first = runUal(["run", file, "--runs-dir", join(dir, "runs")], { cwd: dir, env });
    await until(() => count(cache, "replies") >= 20, "20 cached ratings");
    first.child.kill("SIGKILL");
    expect((await first.done).signal).toBe("SIGKILL");
    const answeredFirst = server.completions.map((c) => c.prompt);
    expect(answeredFirst).toHaveLength(20);
    // The dead client's requests still held by the server end once it sees their sockets close.
    await until(() => server.inFlight === 0, "the killed client's connections to close");

    server.holdAfter(undefined);
    server.release();
    server.resetCounts();
    const second = runUal(["run", file, "--runs-dir", join(dir, "runs"), "--json"], { cwd: dir, env });
    const { code, stdout, stderr } = await second.done;
    expect(code, stderr).toBe(0);
    const result = JSON.parse(stdout) as { status: string; resumed: boolean; summary: { samples: number; scored: number; cached: number } };
    expect(result).toMatchObject({ status: "completed", resumed: true, summary: { samples: 100, scored: 100, cached: 20 } });
    const answeredSecond = server.completions.map((c) => c.prompt);
    // No conversation answered before the kill was asked again; together they cover all 100, once each.
    expect(answeredSecond.filter((p) => answeredFirst.includes(p))).toEqual([]);
    expect(new Set([...answeredFirst, ...answeredSecond]).size).toBe(100);
    expect(answeredSecond).toHaveLength(80);
    expect(count(cache, "replies")).toBe(100);
  });

  test("batch: the rerun resumes polling the recorded batch instead of submitting another", async () => {
    const dir = tempDir();
    const file = manifest(dir, "mode: batch, batchWindowMs: 50, batchPollMs: 20");
    const cache = join(dir, ".ual", "llm-cache.sqlite");
    const env = { OPENAI_API_KEY: TEST_KEY, OPENAI_BASE_URL: server.openaiBaseURL };
    server.configure({ holdBatches: true });
    const first = runUal(["run", file, "--runs-dir", join(dir, "runs")], { cwd: dir, env });
    await until(() => count(cache, "batches") === 1 && server.batchIds.length === 1, "the batch to be submitted and recorded");
    first.child.kill("SIGKILL");
    await first.done;
    expect(server.completions).toHaveLength(0);

    server.finishBatches();
    const second = runUal(["run", file, "--runs-dir", join(dir, "runs"), "--json"], { cwd: dir, env });
    const { code, stdout, stderr } = await second.done;
    expect(code, stderr).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ status: "completed", resumed: true, summary: { samples: 100, scored: 100 } });
    expect(server.batchIds).toHaveLength(1);
    expect(server.requests.filter((r) => r.method === "POST" && r.path === "/v1/batches")).toHaveLength(1);
    expect(server.completions).toHaveLength(100);
    expect(server.completions.every((c) => c.via === "batch")).toBe(true);
  });
});
