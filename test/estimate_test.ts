import { describe, expect, test } from "vitest";
import { ROOT, tempDir, ual } from "./_cli.ts";
import { join } from "node:path";

describe("ual estimate", () => {
  test("prices a rating run offline, for sync and batch, without a key or a reachable API", () => {
    const cwd = tempDir();
    // Port 9 (discard) on loopback: any request would fail, so success proves no call was made.
    const env = { OPENAI_BASE_URL: "http://127.0.0.1:9/v1", OPENAI_API_KEY: "" };
    const { code, stdout, stderr } = ual(["estimate", join(ROOT, "examples/elicit-openai.yaml")], { cwd, env });
    expect(code, stderr).toBe(0);
    expect(stdout).toContain("openai gpt-4.1-mini (prompt ual-rubric-v1)");
    expect(stdout).toContain("100 samples, 100 distinct conversations, 0 cached, 100 to rate");
    expect(stdout).toMatch(/sync:\s+\$\d+\.\d+ \(at most \$\d+\.\d+\)/);
    expect(stdout).toMatch(/batch:\s+\$\d+\.\d+/);
  });

  test("says so when the uncertainty stage makes no paid calls", () => {
    const { code, stderr } = ual(["estimate", "examples/map-scores.yaml"], { cwd: ROOT });
    expect(code).toBe(0);
    expect(stderr).toContain("@ual/uncertainty-field makes no paid calls; nothing to estimate");
  });
});
