import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { readMultipleChoiceJsonl } from "./read_multiple_choice_jsonl.ts";

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

describe("readMultipleChoiceJsonl()", () => {
  it("readMultipleChoiceJsonl() reads each example file, naming items by file:line", async () => {
    const arc = await readMultipleChoiceJsonl(fixture("arc.jsonl"), { format: "arc" });
    expect(arc.map((i) => [i.id, i.subset, i.answer])).toEqual([["arc.jsonl:1", "arc", 1], ["arc.jsonl:2", "arc", 2], ["arc.jsonl:4", "arc", 2]]);
    expect((await readMultipleChoiceJsonl(fixture("mmlu.jsonl"), { format: "mmlu", subset: "mmlu-val" })).map((i) => [i.subset, i.choices[i.answer]])).toEqual([["mmlu-val", "42"], ["mmlu-val", "Mercury"]]);
    const hella = await readMultipleChoiceJsonl(fixture("hellaswag.jsonl"));
    expect(hella.map((i) => [i.kind, i.choices[i.answer]])).toEqual([["continuation", "whisks them with a fork."], ["continuation", "starts running when the whistle blows."]]);
    expect((await readMultipleChoiceJsonl(fixture("generic.jsonl"))).map((i) => i.choices[i.answer])).toEqual(["Tuesday", "d", "tac"]);
    expect(await readMultipleChoiceJsonl(fixture("generic.jsonl"), { limit: 2 })).toHaveLength(2);
  });

  it("readMultipleChoiceJsonl() shuffles TruthfulQA's choices by default (the right one is always listed first), seeded", async () => {
    const path = fixture("truthfulqa_mc1.jsonl");
    const reference = await readMultipleChoiceJsonl(path, { choiceOrder: "as-is" });
    expect(reference.every((i) => i.answer === 0)).toBe(true);
    const shuffled = await readMultipleChoiceJsonl(path);
    expect(shuffled.map((i) => i.choices[i.answer])).toEqual(reference.map((i) => i.choices[0]));
    shuffled.forEach((item, k) => expect([...item.choices].sort()).toEqual([...reference[k]!.choices].sort()));
    // six questions of 3–5 choices: all six right answers land on A with probability 1/2880
    expect(shuffled.some((i) => i.answer !== 0)).toBe(true);
    expect(await readMultipleChoiceJsonl(path)).toEqual(shuffled);
    const other = await readMultipleChoiceJsonl(path, { seed: 1 });
    expect(other.map((i) => i.choices)).not.toEqual(shuffled.map((i) => i.choices));
    // limiting the file does not change the order of the items kept
    expect(await readMultipleChoiceJsonl(path, { limit: 2 })).toEqual(shuffled.slice(0, 2));
  });

  it("readMultipleChoiceJsonl() names the file and line of a bad record", async () => {
    const bad = fixture("bad.jsonl");
    await expect(readMultipleChoiceJsonl(bad)).rejects.toThrow(`${bad}:2: answer is 5, not an index from 0 to 1`);
    const dir = mkdtempSync(join(tmpdir(), "mc-"));
    writeFileSync(join(dir, "broken.jsonl"), '{"question": "Q", "choices": ["a", "b"], "answer": 0}\n{"question": \n');
    await expect(readMultipleChoiceJsonl(join(dir, "broken.jsonl"))).rejects.toThrow(/broken\.jsonl:2: not JSON/);
    writeFileSync(join(dir, "empty.jsonl"), "\n\n");
    await expect(readMultipleChoiceJsonl(join(dir, "empty.jsonl"))).rejects.toThrow(/empty\.jsonl: no records/);
    await expect(readMultipleChoiceJsonl(join(dir, "missing.jsonl"))).rejects.toThrow(/cannot read the multiple-choice file .*missing\.jsonl/);
  });
});
