import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { ManifestError } from "./errors.ts";
import { cellManifest, resolveMatrix, runMatrix } from "./matrix.ts";
import { studentTQuantile } from "./student_t_quantile.ts";

const P = join(dirname(fileURLToPath(import.meta.url)), "fixtures", "plugins.mjs");

const text = (arms: string) => `apiVersion: ual/v1
name: exp
stages:
  source: { use: "${P}#list-source", with: { count: 3 } }
  evaluators:
    - use: "${P}#metric"
      with: { base: 1 }
matrix:
  seeds: [1, 2, 3]
  arms:
${arms}
`;

describe("cellManifest()", () => {
  test("applies overrides by dotted path, deletes with null, and sets name and seed", () => {
    const data = { apiVersion: "ual/v1", name: "m", run: { runsDir: "r" }, stages: { source: { use: "s" }, mapper: { use: "x", with: { alpha: 0.1 } }, evaluators: [{ use: "e", with: { k: 1 } }] }, matrix: {} };
    const cell = cellManifest(data, "a", { "stages.mapper.with.alpha": 0.3, "stages.evaluators[0].with.k": 2, "stages.source": null }, 7) as { name: string; run: object; stages: Record<string, unknown>; matrix?: unknown };
    expect(cell.name).toBe("m-a-s7");
    expect(cell.run).toEqual({ runsDir: "r", seed: 7 });
    expect(cell.stages).toEqual({ mapper: { use: "x", with: { alpha: 0.3 } }, evaluators: [{ use: "e", with: { k: 2 } }] });
    expect(cell.matrix).toBeUndefined();
    expect(data.stages.mapper.with.alpha).toBe(0.1);
  });
});

describe("runMatrix()", () => {
  test("runs arms × seeds, aggregates metrics as mean ± t-interval, and skips finished cells on a rerun", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ual-matrix-"));
    const manifest = text(`    low: {}\n    high: { "stages.evaluators[0].with.base": 2 }`);
    const matrix = await resolveMatrix(manifest, { baseDir: dir, file: "m.yaml" });
    expect(matrix.cells.map((c) => `${c.arm}/${c.seed}`)).toEqual(["low/1", "low/2", "low/3", "high/1", "high/2", "high/3"]);
    const first = await runMatrix(matrix, { runsDir: join(dir, "runs") });
    expect(first.status).toBe("completed");
    expect(first.cells.every((c) => !c.skipped)).toBe(true);
    const row = first.metrics.find((m) => m.metric === "score");
    // Values are base + seed/100: low → 1.01, 1.02, 1.03; high → 2.01, 2.02, 2.03.
    expect(row?.byArm.low?.mean).toBeCloseTo(1.02, 12);
    expect(row?.byArm.high?.mean).toBeCloseTo(2.02, 12);
    expect(row?.byArm.low?.halfWidth).toBeCloseTo((studentTQuantile(0.975, 2) * 0.01) / Math.sqrt(3), 12);
    const summary = JSON.parse(readFileSync(first.summary, "utf8")) as { cells: unknown[] };
    expect(summary.cells).toHaveLength(6);
    const second = await runMatrix(await resolveMatrix(manifest, { baseDir: dir, file: "m.yaml" }), { runsDir: join(dir, "runs") });
    expect(second.cells.every((c) => c.skipped)).toBe(true);
    expect(second.cells.map((c) => c.runId)).toEqual(first.cells.map((c) => c.runId));
  });

  test("reports a bad override at its line, prefixed with the arm", async () => {
    const error = await resolveMatrix(text(`    ok: {}\n    bad: { "stages.evaluators[0].with.base": "two" }`), { baseDir: "/", file: "m.yaml" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ManifestError);
    expect((error as ManifestError).message).toContain('m.yaml:12:46 stages.evaluators[0].with.base: arm "bad": expected a number, got "two"');
  });
});
