import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { evalDataOptions, promptAndAnswer, readEvalSamples, subsetOf } from "./eval_data.ts";

describe("readEvalSamples()", () => {
  it("readEvalSamples() draws the same held-out testbed samples for every run", async () => {
    const data = evalDataOptions.parse({ testbed: { count: 10 } });
    const a = await readEvalSamples(data, (p) => p);
    const b = await readEvalSamples(data, (p) => p);
    expect(a).toEqual(b);
    expect(a).toHaveLength(10);
    expect(new Set(a.map(subsetOf))).toEqual(new Set(["low-entropy", "high-entropy"]));
    expect(a.every((s) => s.metadata.split === "heldout")).toBe(true);
  });

  it("readEvalSamples() reads JSONL relative to the manifest and says which line is bad", async () => {
    const dir = mkdtempSync(join(tmpdir(), "eval-data-"));
    writeFileSync(join(dir, "d.jsonl"), `${JSON.stringify({ id: "a", turns: [{ role: "user", content: "2+2?" }, { role: "assistant", content: "4" }] })}\n\n`);
    const [sample] = await readEvalSamples({ jsonl: "d.jsonl" }, (p) => join(dir, p));
    expect(subsetOf(sample!)).toBe("all");
    expect(promptAndAnswer(sample!)).toEqual({ prompt: "2+2?", answer: "4" });
    writeFileSync(join(dir, "bad.jsonl"), "{}\n{oops\n");
    await expect(readEvalSamples({ jsonl: "bad.jsonl" }, (p) => join(dir, p))).rejects.toThrow(/bad\.jsonl:1: a sample needs turns/);
  });
});
