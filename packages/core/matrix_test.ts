import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { ManifestError } from "./errors.ts";
import { cellManifest, resolveMatrix, runMatrix } from "./matrix.ts";
import { studentTQuantile } from "./student_t_quantile.ts";

const P = join(dirname(fileURLToPath(import.meta.url)), "fixtures", "plugins.mjs");

const text = (arms: string, baseline?: string) => `apiVersion: ual/v1
name: exp
stages:
  source: { use: "${P}#list-source", with: { count: 3 } }
  evaluators:
    - use: "${P}#metric"
      with: { base: 1 }
matrix:
  seeds: [1, 2, 3]
${baseline === undefined ? "" : `  baseline: ${baseline}\n`}  arms:
${arms}
`;

const THREE_ARMS = `    base: {}\n    sft: { "stages.evaluators[0].with.base": 2 }\n    ual: { "stages.evaluators[0].with.base": 2.5 }`;

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

describe("resolveMatrix() and matrix.baseline", () => {
  test("takes one arm or a list, in the manifest's order", async () => {
    expect((await resolveMatrix(text(THREE_ARMS, "sft"), { baseDir: "/" })).baselines).toEqual(["sft"]);
    expect((await resolveMatrix(text(THREE_ARMS, "[sft, base]"), { baseDir: "/" })).baselines).toEqual(["sft", "base"]);
    expect((await resolveMatrix(text(THREE_ARMS), { baseDir: "/" })).baselines).toEqual([]);
  });

  test("names the list entry that is no arm, where it is, with a did-you-mean", async () => {
    const error = await resolveMatrix(text(THREE_ARMS, "[sft, bse, zzz, sft]"), { baseDir: "/", file: "m.yaml" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ManifestError);
    const { message } = error as ManifestError;
    expect(message).toContain('m.yaml:10:19 matrix.baseline[1]: "bse" is not an arm; expected one of base, sft, ual (did you mean "base"?)');
    expect(message).toContain('matrix.baseline[2]: "zzz" is not an arm; expected one of base, sft, ual\n');
    expect(message).toContain('matrix.baseline[3]: "sft" is listed twice');
    const single = await resolveMatrix(text(THREE_ARMS, "sfft"), { baseDir: "/", file: "m.yaml" }).catch((e: unknown) => e);
    expect((single as ManifestError).message).toContain('m.yaml:10:13 matrix.baseline: "sfft" is not an arm; expected one of base, sft, ual (did you mean "sft"?)');
    const wrongType = await resolveMatrix(text(THREE_ARMS, "3"), { baseDir: "/", file: "m.yaml" }).catch((e: unknown) => e);
    expect((wrongType as ManifestError).message).toContain("matrix.baseline: expected an arm's name or a list of them (one of base, sft, ual), got 3");
  });

  test("runMatrix() pairs every arm with each baseline and writes all of them to the summary", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ual-matrix-"));
    const result = await runMatrix(await resolveMatrix(text(THREE_ARMS, "[sft, base]"), { baseDir: dir }), { runsDir: join(dir, "runs") });
    expect(result.baselines).toEqual(["sft", "base"]);
    // each seed adds seed/100 to every arm alike, so the paired differences are exact: ual − sft = 0.5, ual − base = 1.5
    const vsSft = result.differences?.filter((r) => r.baseline === "sft") ?? [];
    const vsBase = result.differences?.filter((r) => r.baseline === "base") ?? [];
    expect(vsSft).toHaveLength(1);
    expect(Object.keys(vsSft[0]?.byArm ?? {})).toEqual(["base", "ual"]);
    expect(vsSft[0]?.byArm.ual?.mean).toBeCloseTo(0.5, 12);
    expect(vsSft[0]?.byArm.base?.mean).toBeCloseTo(-1, 12);
    expect(vsBase[0]?.byArm.ual?.mean).toBeCloseTo(1.5, 12);
    expect(vsBase[0]?.byArm.sft?.n).toBe(3);
    const summary = JSON.parse(readFileSync(result.summary, "utf8")) as { baseline: string; baselines: string[]; differences: Array<{ baseline: string }> };
    // `baseline` is the first, as a one-baseline summary had it; every row names its own
    expect(summary.baseline).toBe("sft");
    expect(summary.baselines).toEqual(["sft", "base"]);
    expect(summary.differences.map((r) => r.baseline)).toEqual(["sft", "base"]);
  });

  test("runMatrix() interrupted before a baseline's cells ran leaves that baseline out, and the rerun resumes and pairs it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ual-matrix-"));
    const matrix = await resolveMatrix(text(THREE_ARMS, "[base, ual]"), { baseDir: dir });
    const controller = new AbortController();
    const first = await runMatrix(matrix, { runsDir: join(dir, "runs"), signal: controller.signal, onCell: (_cell, index) => index === 4 && controller.abort() });
    expect(first.status).toBe("interrupted");
    // base ran (cells 0–2), ual did not: only base is a baseline of the partial summary
    expect(first.baselines).toEqual(["base"]);
    expect(JSON.parse(readFileSync(first.summary, "utf8")).baselines).toEqual(["base"]);
    const second = await runMatrix(matrix, { runsDir: join(dir, "runs") });
    expect(second.status).toBe("completed");
    expect(second.cells.filter((c) => c.skipped).length).toBeGreaterThanOrEqual(4);
    expect(second.baselines).toEqual(["base", "ual"]);
    expect(second.differences?.find((r) => r.baseline === "ual")?.byArm.sft?.mean).toBeCloseTo(-0.5, 12);
  });
});
