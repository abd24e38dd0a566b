import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { ROOT, tempDir, ual } from "./_cli.ts";

/** The quickstart itself takes minutes; this is the same manifest, cut to 2 arms × 1 seed and a few steps. */
function reducedQuickstart(): string {
  const text = readFileSync(join(ROOT, "examples/quickstart.yaml"), "utf8");
  const replace = (from: RegExp, to: string, s: string) => {
    expect(s, `examples/quickstart.yaml no longer matches ${from}`).toMatch(from);
    return s.replace(from, to);
  };
  let out = replace(/count: 1000/, "count: 48", text);
  out = replace(/epochs: \d+/, "epochs: 1", out);
  out = replace(/seeds: \[1, 2, 3\]/, "seeds: [1]", out);
  out = out.replaceAll("count: 200", "count: 16").replace("count: 100", "count: 16").replace("prompts: 40, k: 8", "prompts: 3, k: 2");
  out = replace(/    ls: .*\n/, "", out);
  out = replace(/    ual-ppl:\n(      .*\n)+/, "", out);
  return out.replace(/\.\/data/g, join(ROOT, "examples/data"));
}

describe("ual run examples/quickstart.yaml", () => {
  test("validates as 4 arms × 3 seeds", () => {
    const { code, stdout } = ual(["validate", "examples/quickstart.yaml"]);
    expect(code).toBe(0);
    expect(stdout).toContain("4 arms × 3 seeds = 12 runs: sft, ls, ual-oracle, ual-ppl");
  });

  test("a reduced quickstart trains each arm, evaluates it and prints every metric per arm", () => {
    const dir = tempDir();
    const manifest = join(dir, "quickstart.yaml");
    writeFileSync(manifest, reducedQuickstart());
    const { code, stdout, stderr } = ual(["run", manifest, "--runs-dir", join(dir, "runs")]);
    expect(code, stderr).toBe(0);
    expect(stderr).toContain("matrix completed: 2 of 2 cells");
    for (const row of [
      /eval-nll\s+high-entropy\s+nll/,
      /eval-nll\s+low-entropy\s+nll/,
      /eval-exact-match\s+low-entropy\s+accuracy/,
      /eval-distribution\s+high-entropy\s+validity/,
      /eval-distribution\s+high-entropy\s+distinct/,
      /eval-distribution\s+high-entropy\s+kl/,
      /eval-clustering\s+silhouette-all\s+\S/,
    ]) {
      expect(stdout).toMatch(row);
    }
    expect(stdout).toMatch(/sft/);
    expect(stdout).toMatch(/ual-oracle/);
  }, 240_000);
});
