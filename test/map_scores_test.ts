import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { ROOT, tempDir, ual } from "./_cli.ts";

interface Row {
  id: string;
  score: number | null;
  smoothing: number;
}

describe("ual run examples/map-scores.yaml", () => {
  test("rates the bundled data and maps it to ε with mean α, strict for math and loose for open-ended tasks", () => {
    const runs = tempDir();
    const { code, stdout, stderr } = ual(["run", "examples/map-scores.yaml", "--runs-dir", runs, "--json"]);
    expect(stderr).toContain("mapped 100 scores with @ual/mapper-truncated-linear");
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as { status: string; outputs: { smoothing: string }; summary: Record<string, unknown> };
    expect(result.status).toBe("completed");
    const rows = readFileSync(result.outputs.smoothing, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Row);
    expect(rows).toHaveLength(100);
    const mean = rows.reduce((s, r) => s + r.smoothing, 0) / rows.length;
    expect(Math.abs(mean - 0.1)).toBeLessThan(1e-9);
    const data = readFileSync(join(ROOT, "examples/data/mixed.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { id: string; subset: string; rating?: number });
    const subsetOf = new Map(data.map((d) => [d.id, d.subset]));
    const bySubset = (s: string) => rows.filter((r) => subsetOf.get(r.id) === s).map((r) => r.smoothing);
    const math = bySubset("math");
    const open = bySubset("open-ended");
    expect(math).toHaveLength(40);
    expect(Math.max(...math)).toBeLessThan(Math.min(...open));
    // Unrated samples are imputed with the median rating and counted.
    const unrated = data.filter((d) => d.rating === undefined).length;
    expect(unrated).toBe(8);
    expect(rows.filter((r) => r.score === null)).toHaveLength(unrated);
    expect(result.summary).toMatchObject({ samples: 100, scored: 92, failed: 8, mapping: { imputed: 8 } });
  });
});
