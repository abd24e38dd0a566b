import { readFileSync, writeFileSync } from "node:fs";
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

  test("matrix.baseline adds each arm minus the baseline, paired by seed; compare --baseline agrees; a baseline that is no arm is refused", () => {
    const dir = tempDir();
    const manifest = join(dir, "paired.yaml");
    const lines = (baseline: string) => [
      "apiVersion: ual/v1",
      "name: paired",
      "stages:",
      `  source: { use: "${FIXTURES}#list-source", with: { count: 2 } }`,
      `  evaluators: [{ use: "${FIXTURES}#metric", with: { base: 1 } }]`,
      "matrix:",
      "  seeds: [1, 2]",
      `  baseline: ${baseline}`,
      "  arms:",
      "    a: {}",
      '    b: { "stages.evaluators[0].with.base": 3 }',
    ];
    writeFileSync(manifest, lines("c").join("\n"));
    const bad = ual(["validate", manifest]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`${manifest}:8:13 matrix.baseline: "c" is not an arm; expected one of a, b`);
    writeFileSync(manifest, lines("a").join("\n"));
    const runs = join(dir, "runs");
    const run = ual(["run", manifest, "--runs-dir", runs]);
    expect(run.code, run.stderr).toBe(0);
    // each seed moves both arms by seed/100: the per-arm intervals are ±0.0635, the paired difference is exactly 2
    expect(run.stdout).toContain("each arm − a, paired by seed");
    expect(run.stdout).toMatch(/fixture\/metric all score\s+\+2\.0000 ± 0\.0000 \(n=2\) \*\n\* the 95% CI excludes 0/);
    const compare = ual(["compare", join(runs, "paired.matrix.json"), "--baseline", "a"]);
    expect(compare.stdout).toBe(run.stdout);
    const wrong = ual(["compare", join(runs, "paired.matrix.json"), "--baseline", "z"]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("--baseline z is not an arm of these runs (a, b)");
  });

  test("matrix.baseline: [b, a] prints one marked table per baseline, writes both to the summary, and compare and report take several", () => {
    const dir = tempDir();
    const manifest = join(dir, "two.yaml");
    const lines = (baseline: string) => [
      "apiVersion: ual/v1",
      "name: two",
      "stages:",
      `  source: { use: "${FIXTURES}#list-source", with: { count: 2 } }`,
      `  evaluators: [{ use: "${FIXTURES}#metric", with: { base: 1 } }]`,
      "matrix:",
      "  seeds: [1, 2, 3]",
      `  baseline: ${baseline}`,
      "  arms:",
      "    a: {}",
      '    b: { "stages.evaluators[0].with.base": 3 }',
      '    c: { "stages.evaluators[0].with.base": 3 }',
    ];
    writeFileSync(manifest, lines("[b, aa]").join("\n"));
    const bad = ual(["validate", manifest]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`${manifest}:8:17 matrix.baseline[1]: "aa" is not an arm; expected one of a, b, c (did you mean "a"?)`);
    writeFileSync(manifest, lines("[b, a]").join("\n"));
    const runs = join(dir, "runs");
    const run = ual(["run", manifest, "--runs-dir", runs]);
    expect(run.code, run.stderr).toBe(0);
    // values are base + seed/100 in every arm: c − b is exactly 0 (no mark), a − b exactly −2 (marked)
    const [, vsB, vsA] = run.stdout.split(/\neach arm − /);
    expect(vsB).toMatch(/^b, paired by seed/);
    expect(vsB).toMatch(/fixture\/metric all score\s+-2\.0000 ± 0\.0000 \(n=3\) \*\s+\+0\.0000 ± 0\.0000 \(n=3\)\n/);
    expect(vsA).toMatch(/^a, paired by seed/);
    expect(vsA).toMatch(/fixture\/metric all score\s+\+2\.0000 ± 0\.0000 \(n=3\) \*\s+\+2\.0000 ± 0\.0000 \(n=3\) \*\n/);
    expect(run.stdout.match(/^\* the 95% CI excludes 0/gm)).toHaveLength(2);
    const summary = JSON.parse(readFileSync(join(runs, "two.matrix.json"), "utf8")) as { baseline: string; baselines: string[]; differences: Array<{ baseline: string; byArm: Record<string, { mean: number }> }> };
    expect(summary.baseline).toBe("b");
    expect(summary.baselines).toEqual(["b", "a"]);
    expect(summary.differences.find((r) => r.baseline === "a")?.byArm.c?.mean).toBeCloseTo(2, 12);
    expect(ual(["compare", join(runs, "two.matrix.json"), "--baseline", "b,a"]).stdout).toBe(run.stdout);
    expect(ual(["compare", join(runs, "two.matrix.json"), "--baseline", "b", "--baseline", "a"]).stdout).toBe(run.stdout);
    const wrong = ual(["compare", join(runs, "two.matrix.json"), "--baseline", "b,zz"]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("--baseline zz is not an arm of these runs (a, b, c)");
    // the report leads with both baselines' forest plots (from the summary, or as asked)
    const report = readFileSync(join(runs, "two.report.html"), "utf8");
    expect(report.indexOf("each arm − b, paired by seed")).toBeLessThan(report.indexOf("each arm − a, paired by seed"));
    expect(report.indexOf('data-chart="forest"')).toBeLessThan(report.indexOf('data-chart="bars"'));
    const out = join(dir, "only-a.html");
    expect(ual(["report", join(runs, "two.matrix.json"), "--baseline", "a", "-o", out]).code).toBe(0);
    const onlyA = readFileSync(out, "utf8");
    expect(onlyA).toContain("each arm − a, paired by seed");
    expect(onlyA).not.toContain("each arm − b, paired by seed");
  });

  test("compare rejects what is not a run", () => {
    const { code, stderr } = ual(["compare", join(tempDir(), "nothing")]);
    expect(code).toBe(2);
    expect(stderr).toContain("no such run directory or matrix summary");
  });
});
