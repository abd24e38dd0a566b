import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { evalDataOptions, promptAndAnswer, readEvalSamples, subsetOf } from "./eval_data.ts";

const dir = mkdtempSync(join(tmpdir(), "eval-data-"));
const inDir = (p: string) => join(dir, p);
const write = (name: string, records: unknown[]) => writeFileSync(inDir(name), records.map((r) => JSON.stringify(r)).join("\n") + "\n");

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

  it("readEvalSamples() reads UAL samples relative to the manifest and says which line is bad", async () => {
    writeFileSync(inDir("d.jsonl"), `${JSON.stringify({ id: "a", turns: [{ role: "user", content: "2+2?" }, { role: "assistant", content: "4" }] })}\n\n`);
    const [sample] = await readEvalSamples(evalDataOptions.parse({ jsonl: "d.jsonl" }), inDir);
    expect(sample?.id).toBe("a");
    expect(subsetOf(sample!)).toBe("all");
    expect(promptAndAnswer(sample!)).toEqual({ prompt: "2+2?", answer: "4" });
    writeFileSync(inDir("bad.jsonl"), `${JSON.stringify({ id: "a", turns: [{ role: "user", content: "q" }] })}\n{oops\n`);
    await expect(readEvalSamples({ jsonl: "bad.jsonl" }, inDir)).rejects.toThrow(/^bad\.jsonl:2: invalid JSON/);
    writeFileSync(inDir("empty.jsonl"), "\n");
    await expect(readEvalSamples({ jsonl: "empty.jsonl" }, inDir)).rejects.toThrow("empty.jsonl: no samples");
  });

  it("readEvalSamples() reads every shape the source reads, from several files, with a subset per file", async () => {
    write("seed.jsonl", [{ id: "t1", instruction: "Name a colour.", instances: [{ input: "", output: "Red." }], is_classification: false }]);
    write("gsm.jsonl", [{ question: "1+1?", answer: "#### 2" }, { question: "2+2?", answer: "#### 4", subset: "ignored" }]);
    const data = evalDataOptions.parse({ jsonl: ["seed.jsonl", { path: "gsm.jsonl", subset: "math" }] });
    const samples = await readEvalSamples(data, inDir);
    expect(samples.map((s) => [s.id, subsetOf(s), promptAndAnswer(s).answer])).toEqual([
      ["t1", "all", "Red."],
      ["gsm.jsonl:1", "math", "#### 2"],
      ["gsm.jsonl:2", "math", "#### 4"],
    ]);
    expect(samples[1]?.location).toEqual({ file: "gsm.jsonl", line: 1 });
  });

  it("readEvalSamples() with a split reads the complement of the training part, the same on every read", async () => {
    write("many.jsonl", Array.from({ length: 120 }, (_, i) => ({ id: `q${i}`, question: `${i}+1?`, answer: `${i + 1}` })));
    const heldout = evalDataOptions.parse({ jsonl: "many.jsonl", split: { heldout: 0.2, seed: 5 } });
    expect(heldout).toMatchObject({ split: { heldout: 0.2, seed: 5, part: "heldout" } });
    const train = evalDataOptions.parse({ jsonl: "many.jsonl", split: { heldout: 0.2, seed: 5, part: "train" } });
    const heldOutIds = (await readEvalSamples(heldout, inDir)).map((s) => s.id);
    const trainIds = (await readEvalSamples(train, inDir)).map((s) => s.id);
    expect(heldOutIds.length).toBeGreaterThan(5);
    expect(heldOutIds.length).toBeLessThan(50);
    expect(trainIds.filter((id) => heldOutIds.includes(id))).toEqual([]);
    expect(trainIds.length + heldOutIds.length).toBe(120);
    expect((await readEvalSamples(heldout, inDir)).map((s) => s.id)).toEqual(heldOutIds);
  });

  it("evalDataOptions rejects unknown keys and bad splits", () => {
    expect(evalDataOptions.safeParse({ jsonl: "a.jsonl", subsets: ["x"] }).success).toBe(false);
    expect(evalDataOptions.safeParse({ jsonl: "a.jsonl", split: { heldout: 0 } }).success).toBe(false);
    expect(evalDataOptions.safeParse({ jsonl: [] }).success).toBe(false);
  });
});
