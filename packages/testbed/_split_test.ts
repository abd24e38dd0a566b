import { describe, expect, test } from "vitest";
import { assignSplits } from "./_split.ts";

describe("assignSplits()", () => {
  test("assignSplits() holds out one in five, whatever the order of the input", () => {
    const prompts = Array.from({ length: 101 }, (_, i) => ({ prompt: `q${i}` }));
    const splits = assignSplits(prompts);
    expect(splits.filter((s) => s === "heldout")).toHaveLength(21);
    const reversed = assignSplits(prompts.slice().reverse()).reverse();
    expect(reversed).toEqual(splits);
  });

  test("assignSplits() never holds out the last training prompt of a group", () => {
    // Groups of two: at most one of each pair may be held out, and the quota is still met.
    const prompts = Array.from({ length: 40 }, (_, i) => ({ prompt: `p${i}`, group: `g${i >> 1}` }));
    const splits = assignSplits(prompts);
    for (let g = 0; g < 20; g++) expect(splits[2 * g] === "heldout" && splits[2 * g + 1] === "heldout").toBe(false);
    expect(splits.filter((s) => s === "heldout")).toHaveLength(8);
    // A group of one is never held out.
    expect(assignSplits([{ prompt: "only", group: "g" }])).toEqual(["train"]);
  });
});
