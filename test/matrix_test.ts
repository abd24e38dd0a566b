import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { ROOT, tempDir, ual } from "./_cli.ts";

const FIXTURES = join(ROOT, "packages/core/fixtures/plugins.mjs");

describe("ual run on a matrix, and ual compare", () => {
  test("runs every arm × seed, prints mean ± CI per arm, reuses finished cells, and compare agrees", () => {
    const dir = tempDir();
    const manifest = join(dir, "exp.yaml");
    writeFileSync(
      manifest,
      [
        "apiVersion: ual/v1",
        "name: exp",
        "stages:",
        `  source: { use: "${FIXTURES}#list-source", with: { count: 2 } }`,
        `  evaluators: [{ use: "${FIXTURES}#metric", with: { base: 1 } }]`,
        "matrix:",
        "  seeds: [1, 2]",
        "  arms:",
        "    a: {}",
        '    b: { "stages.evaluators[0].with.base": 3 }',
      ].join("\n"),
    );
    const validate = ual(["validate", manifest]);
    expect(validate.stdout).toContain("ok (2 arms × 2 seeds = 4 runs: a, b)");
    const runs = join(dir, "runs");
    const first = ual(["run", manifest, "--runs-dir", runs]);
    expect(first.code, first.stderr).toBe(0);
    // Seeds 1 and 2: a → 1.01, 1.02 (mean 1.015); b → 3.015. t(0.975, 1) = 12.706; s = 0.00707.
    expect(first.stdout).toMatch(/fixture\/metric all score\s+1\.0150 ± 0\.0635 \(n=2\)\s+3\.0150 ± 0\.0635 \(n=2\)/);
    expect(first.stderr).toContain("matrix completed: 4 of 4 cells (0 reused)");
    const second = ual(["run", manifest, "--runs-dir", runs]);
    expect(second.stderr).toContain("(4 reused)");
    const compare = ual(["compare", join(runs, "exp.matrix.json")]);
    expect(compare.code).toBe(0);
    expect(compare.stdout).toBe(first.stdout);
  });

  test("compare rejects what is not a run", () => {
    const { code, stderr } = ual(["compare", join(tempDir(), "nothing")]);
    expect(code).toBe(2);
    expect(stderr).toContain("no such run directory or matrix summary");
  });
});
