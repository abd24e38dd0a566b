import { describe, expect, it } from "vitest";
import { choiceLetter } from "./choice_letter.ts";
import { letterPrompt } from "./letter_prompt.ts";
import type { MultipleChoiceItem } from "./multiple_choice_item.ts";

const q: MultipleChoiceItem = { id: "1", subset: "s", kind: "question", question: "2+2?", choices: ["3", "4", "5"], answer: 1 };

describe("letterPrompt()", () => {
  it("letterPrompt() lays out question, lettered choices and an open answer line (spec §6.1)", () => {
    const text = letterPrompt(q);
    expect(text.split("\n").slice(1)).toEqual(["", "# Question:", "2+2?", "", "# Choices:", "A. 3", "B. 4", "C. 5", "", "# Answer:", ""]);
    expect(text.endsWith("# Answer:\n")).toBe(true);
  });

  it("letterPrompt() heads a continuation item with # Context: and puts demonstrations with their letters first", () => {
    const ctx: MultipleChoiceItem = { ...q, kind: "continuation", question: "He opens the door and", choices: ["walks in.", "eats it."], answer: 0 };
    expect(letterPrompt(ctx)).toContain("\n# Context:\nHe opens the door and\n\n# Choices:\nA. walks in.\nB. eats it.\n\n# Answer:\n");
    const demo: MultipleChoiceItem = { ...q, question: "1+1?", choices: ["2", "3"], answer: 0 };
    const text = letterPrompt(q, [demo, { ...demo, answer: 1 }]);
    expect(text.match(/# Answer:\nA\n/g)).toHaveLength(1);
    expect(text.match(/# Answer:\nB\n/g)).toHaveLength(1);
    expect(text.indexOf("1+1?")).toBeLessThan(text.indexOf("2+2?"));
    expect(text.endsWith("C. 5\n\n# Answer:\n")).toBe(true);
  });

  it("choiceLetter() letters A–Z", () => {
    expect(choiceLetter(0)).toBe("A");
    expect(choiceLetter(25)).toBe("Z");
    expect(() => choiceLetter(26)).toThrow(/no letter/);
  });
});
