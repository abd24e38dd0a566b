import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { tempDir, ual } from "./_cli.ts";

const parse = (text: string) => text.trim().split("\n").map((l) => JSON.parse(l) as { id: unknown; score: unknown; smoothing: number });

describe("ual map", () => {
  test("maps the reference code's score.json (a bare number array) with the exact solver", () => {
    // spec §2.3, first test vector: u = [0,10,20,30,90,99], α = 0.1 → β = 0.0024096386.
    const { code, stdout, stderr } = ual(["map", "--alpha", "0.1"], { input: "[0,10,20,30,90,99]" });
    expect(code).toBe(0);
    const rows = parse(stdout);
    expect(rows.map((r) => r.id)).toEqual([0, 1, 2, 3, 4, 5]);
    const expected = [0, 0.024096, 0.048193, 0.072289, 0.216867, 0.238554];
    rows.forEach((r, i) => expect(r.smoothing).toBeCloseTo(expected[i] as number, 6));
    expect(stderr).toContain("β 0.00240964");
  });

  test("reads JSON lines of {id, score}, imputes nulls, and writes --out atomically", () => {
    const dir = tempDir();
    const input = join(dir, "scores.jsonl");
    writeFileSync(input, ['{"id":"a","score":1}', '{"id":"b","score":null}', "", '{"id":"c","score":3}'].join("\n"));
    const out = join(dir, "eps.jsonl");
    const { code, stdout, stderr } = ual(["map", input, "--mapper", "constant", "--alpha", "0.2", "--out", out]);
    expect(code).toBe(0);
    expect(stdout).toBe("");
    expect(stderr).toContain(`→ ${out}`);
    expect(parse(readFileSync(out, "utf8"))).toEqual([
      { id: "a", score: 1, smoothing: 0.2 },
      { id: "b", score: null, smoothing: 0.2 },
      { id: "c", score: 3, smoothing: 0.2 },
    ]);
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  test("the clipping vector of spec §2.3 with both solvers", () => {
    const exact = parse(ual(["map", "-a", "0.3"], { input: "[1,1,1,1,100]" }).stdout).map((r) => r.smoothing);
    exact.slice(0, 4).forEach((v) => expect(v).toBeCloseTo(0.1275, 10));
    expect(exact[4]).toBe(0.99);
    const reference = parse(ual(["map", "-a", "0.3", "--solver", "iterative"], { input: "[1,1,1,1,100]" }).stdout).map((r) => r.smoothing);
    reference.slice(0, 4).forEach((v) => expect(v).toBeCloseTo(0.12665, 5));
  });

  test("bad input names the line and exits 2; nothing is written", () => {
    const dir = tempDir();
    const out = join(dir, "eps.jsonl");
    const bad = ual(["map", "-", "--out", out], { input: '{"id":"a","score":1}\n{"id":"b","score":-4}\n' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('record 1 (id "b")');
    expect(existsSync(out)).toBe(false);
    const json = ual(["map"], { input: '{"id":"a","score":1}\n{"id":"b" "score":2}\n' });
    expect(json.code).toBe(2);
    expect(json.stderr).toContain("ual: stdin:2: not valid JSON");
    const field = ual(["map", "--score-field", "rating"], { input: '{"id":"a","score":1}\n' });
    expect(field.stderr).toContain('stdin:1: no "rating" field (keys: id, score)');
  });

  test("rejects bad options with exit code 2", () => {
    expect(ual(["map", "--alpha", "abc"], { input: "[1]" }).code).toBe(2);
    const range = ual(["map", "--alpha", "1.5"], { input: "[1,2]" });
    expect(range.code).toBe(2);
    expect(range.stderr).toMatch(/alpha/);
    expect(ual(["map", "--mapper", "cubic"], { input: "[1]" }).code).toBe(2);
  });
});
