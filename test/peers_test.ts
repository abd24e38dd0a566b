import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { ROOT, tempDir, ual } from "./_cli.ts";

const PEERS = readFileSync(join(ROOT, "examples/peers.yaml"), "utf8");

/**
 * examples/peers.yaml cut to one seed, the four arms with a loss stage, 32 samples for 2 steps and
 * one evaluator: every loss trains in the example's own setting (ual-base, LoRA, the testbed).
 */
function reducedPeers(): string {
  const replace = (from: RegExp, to: string, s: string) => {
    expect(s, `examples/peers.yaml no longer matches ${from}`).toMatch(from);
    return s.replace(from, to);
  };
  let out = replace(/count: 800/, "count: 32", PEERS);
  out = replace(/epochs: \d+/, "epochs: 1", out);
  out = replace(/seeds: \[1, 2, 3, 4, 5\]/, "seeds: [1]", out);
  out = replace(/baseline: \[sft, base, ual-oracle\]/, "baseline: [dft]", out);
  // the evaluators after the first (the base text's NLL) go
  out = replace(/(  evaluators:\n(?:    #.*\n)*    - use: "@ual\/eval-nll"\n      with: .*\n)(?:    .*\n|\n)*?(?=matrix:)/, "$1", out);
  for (const arm of ["base", "sft", "ls", "ual-oracle"]) out = replace(new RegExp(`    ${arm}: .*\\n`), "", out);
  return out.replace(/\.\/data/g, join(ROOT, "examples/data")).replace(/\.\/models/g, join(ROOT, "examples/models"));
}

describe("ual run examples/peers.yaml", () => {
  test("validates as 8 arms × 5 seeds, paired against sft, base and ual-oracle", () => {
    const { code, stdout, stderr } = ual(["validate", "examples/peers.yaml"]);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain("8 arms × 5 seeds = 40 runs: base, sft, ls, ual-oracle, dft, eaft, asft, ual-oracle-eaft");
    expect(PEERS).toMatch(/^  baseline: \[sft, base, ual-oracle\]$/m);
    // the quickstart's setting: the same base model, LoRA and testbed
    const quickstart = readFileSync(join(ROOT, "examples/quickstart.yaml"), "utf8");
    for (const line of [/^      init: .*$/m, /^      lora: .*$/m, /^      kinds: .*$/m, /^      lr: .*$/m, /^      epochs: .*$/m]) {
      expect(PEERS.match(line)?.[0]).toBe(quickstart.match(line)?.[0]);
    }
  });

  test("one cell of each loss arm (dft, eaft, asft, ual-oracle-eaft) trains a few steps and is evaluated", () => {
    const dir = tempDir();
    const manifest = join(dir, "peers.yaml");
    writeFileSync(manifest, reducedPeers());
    const { code, stdout, stderr } = ual(["run", manifest, "--runs-dir", join(dir, "runs")]);
    expect(code, stderr).toBe(0);
    expect(stderr).toContain("matrix completed: 4 of 4 cells");
    expect(stderr).toMatch(/loss stage \(dft .*\), token-mean/);
    expect(stderr).toMatch(/loss stage \(eaft .*"alpha":1.*\), token-mean/);
    expect(stderr).toMatch(/loss stage \(asft .*"alpha":0\.1.*\), token-mean, anchored to the base model \(the adapters off/);
    expect(stdout).toMatch(/eval-nll\s+base-text\s+nll/);
    expect(stdout).toMatch(/each arm − dft, paired by seed/);
    for (const arm of ["eaft", "asft", "ual-oracle-eaft"]) expect(stdout).toContain(arm);
  }, 240_000);
});
