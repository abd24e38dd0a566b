import { describe, expect, test } from "vitest";
import { testbedPrompts } from "./testbed_prompts.ts";

describe("testbedPrompts()", () => {
  test("testbedPrompts() lists a split's prompts of the named families", () => {
    const heldout = testbedPrompts({ split: "heldout", kinds: ["name-item"] });
    expect(heldout).toHaveLength(8);
    expect(heldout.every((p) => p.split === "heldout" && p.task === "name-item")).toBe(true);
    expect(testbedPrompts().length).toBe(testbedPrompts({ split: "train" }).length + testbedPrompts({ split: "heldout" }).length);
    expect(() => testbedPrompts({ kinds: ["fruit" as "name-item"] })).toThrow("the families are: addition, reverse-word");
  });
});
