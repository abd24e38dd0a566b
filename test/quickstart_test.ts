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
  let out = replace(/count: 800/, "count: 48", text);
  out = replace(/epochs: \d+/, "epochs: 1", out);
  out = replace(/seeds: \[1, 2, 3, 4, 5\]/, "seeds: [1]", out);
  out = out.replaceAll("count: 200", "count: 16").replace("count: 60", "count: 16").replace("prompts: 24, k: 8", "prompts: 3, k: 2");
  out = replace(/    ls: .*\n/, "", out);
  out = replace(/    ual-oracle: .*\n/, "", out);
  out = replace(/    ual-noisy:\n(      .*\n)+/, "", out);
  out = replace(/    ual-ppl:\n(      .*\n)+/, "", out);
  return out.replace(/\.\/data/g, join(ROOT, "examples/data")).replace(/\.\/models/g, join(ROOT, "examples/models"));
}

describe("ual run examples/quickstart.yaml", () => {
  test("validates as 6 arms × 5 seeds", () => {
    const { code, stdout } = ual(["validate", "examples/quickstart.yaml"]);
    expect(code).toBe(0);
    expect(stdout).toContain("6 arms × 5 seeds = 30 runs: base, sft, ls, ual-oracle, ual-noisy, ual-ppl");
    // the paper's LoRA by default (appendix: r 8, alpha 16, dropout 0.1)
    expect(readFileSync(join(ROOT, "examples/quickstart.yaml"), "utf8")).toMatch(/^      lora: \{ r: 8, alpha: 16, dropout: 0\.1, targets: \[[a-z_, ]+\] \}$/m);
  });

  test("a reduced quickstart evaluates the base, fine-tunes it, and prints every metric per arm and the differences from SFT and from the base", () => {
    const dir = tempDir();
    const manifest = join(dir, "quickstart.yaml");
    writeFileSync(manifest, reducedQuickstart());
    const { code, stdout, stderr } = ual(["run", manifest, "--runs-dir", join(dir, "runs")]);
    expect(code, stderr).toBe(0);
    expect(stderr).toContain("matrix completed: 2 of 2 cells");
    for (const row of [
      /eval-nll\s+base-text\s+nll/,
      /eval-multiple-choice\s+base-cloze\s+acc/,
      /each arm − sft, paired by seed/,
      /each arm − base, paired by seed/,
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
    expect(stdout).toMatch(/base/);
  }, 240_000);
});
