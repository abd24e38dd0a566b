import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { ROOT, startUal, tempDir, ual } from "./_cli.ts";

describe("Ctrl-C and resume", () => {
  test("SIGINT stops the run as interrupted (exit 130); the same command resumes it without repeating finished ratings", async () => {
    const dir = tempDir();
    const manifest = join(dir, "slow.yaml");
    writeFileSync(
      manifest,
      [
        "apiVersion: ual/v1",
        "name: slow",
        "stages:",
        "  source:",
        "    use: \"@ual/source-jsonl\"",
        `    with: { path: ${JSON.stringify(join(ROOT, "examples/data/mixed.jsonl"))} }`,
        "  uncertainty:",
        `    use: ${JSON.stringify(join(ROOT, "test/fixtures/slow_estimator.mjs"))}`,
        "    with: { delayMs: 40, callsFile: calls.txt }",
        "  mapper:",
        "    use: \"@ual/mappers#rank\"",
      ].join("\n"),
    );
    const runs = join(dir, "runs");
    const child = startUal(["run", manifest, "--runs-dir", runs], { cwd: dir });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    // Interrupt once some ratings are done.
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        let calls = "";
        try {
          calls = readFileSync(join(dir, "calls.txt"), "utf8");
        } catch {}
        if (calls.split("\n").length > 10) {
          clearInterval(timer);
          child.kill("SIGINT");
          resolve();
        }
      }, 20);
    });
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(code, stderr).toBe(130);
    expect(stderr).toContain("run interrupted");
    const firstCalls = readFileSync(join(dir, "calls.txt"), "utf8").trim().split("\n");
    expect(firstCalls.length).toBeLessThan(100);

    const second = ual(["run", manifest, "--runs-dir", runs, "--json"], { cwd: dir });
    expect(second.code, second.stderr).toBe(0);
    const result = JSON.parse(second.stdout) as { resumed: boolean; summary: { samples: number; cached: number } };
    expect(result.resumed).toBe(true);
    const allCalls = readFileSync(join(dir, "calls.txt"), "utf8").trim().split("\n");
    // Every sample was rated exactly once across the two processes.
    expect(new Set(allCalls).size).toBe(100);
    expect(allCalls).toHaveLength(100);
    expect(result.summary.cached).toBe(firstCalls.length);
  });
});
