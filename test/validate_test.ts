import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { ROOT, tempDir, ual } from "./_cli.ts";

describe("ual validate", () => {
  test("lists every problem of a broken manifest with its path and line, and exits 2", () => {
    const dir = tempDir();
    const file = join(dir, "broken.yaml");
    writeFileSync(
      file,
      [
        "apiVersion: ual/v1",
        "stages:",
        "  source:",
        "    use: \"@ual/source-jsonl\"",
        "    with: { path: ./x.jsonl, onInvalid: ignore }",
        "  uncertainty:",
        "    use: \"@ual/mapper-truncated-linear\"",
        "  mapper:",
        "    use: \"@ual/mapper-truncated-linear\"",
        "    with:",
        "      alpha: 1.5",
        "      solvr: exact",
        "  trainer:",
        "    use: \"@ual/trainer-nonexistent\"",
        "reporters:",
        "  - use: \"@ual/reporter-console\"",
        "    with: { progress: maybe }",
      ].join("\n"),
    );
    const { code, stderr } = ual(["validate", file]);
    expect(code).toBe(2);
    expect(stderr).toContain(`${file}: 6 problems:`);
    expect(stderr).toContain(`${file}:5:41 stages.source.with.onInvalid: expected one of "fail", "skip", got "ignore"`);
    expect(stderr).toContain(`${file}:7:10 stages.uncertainty.use: "@ual/mapper-truncated-linear" is a mapper plugin, but this slot takes an uncertainty plugin`);
    expect(stderr).toContain(`${file}:11:14 stages.mapper.with.alpha: expected a number ≤ 0.99, got 1.5`);
    expect(stderr).toContain(`${file}:12:7 stages.mapper.with.solvr: unknown key (did you mean "solver"?)`);
    expect(stderr).toContain(`${file}:14:10 stages.trainer.use: cannot find package "@ual/trainer-nonexistent"`);
    expect(stderr).toContain(`${file}:17:23 reporters[0].with.progress: expected a boolean (true or false), got "maybe"`);
  });

  test("prints what would run for a valid manifest", () => {
    const { code, stdout } = ual(["validate", "examples/map-scores.yaml"]);
    expect(code).toBe(0);
    expect(stdout).toContain("examples/map-scores.yaml: ok");
    expect(stdout).toMatch(/mapper\s+@ual\/mapper-truncated-linear@0\.1\.0/);
  });

  test("every example manifest validates, so none drifts from the plugins' options", () => {
    const examples = readdirSync(join(ROOT, "examples")).filter((f) => f.endsWith(".yaml"));
    expect(examples.length).toBeGreaterThanOrEqual(10);
    for (const file of examples) {
      const { code, stdout, stderr } = ual(["validate", `examples/${file}`]);
      expect(code, `${file}: ${stderr}`).toBe(0);
      expect(stdout).toContain(`examples/${file}: ok`);
    }
  });

  test("a missing manifest file is a usage error", () => {
    const { code, stderr } = ual(["validate", "nope.yaml"]);
    expect(code).toBe(2);
    expect(stderr).toContain("nope.yaml: 1 problem:\n  nope.yaml: (root): no such file");
  });
});
