import { describe, expect, test } from "vitest";
import { normalizeAnswer } from "./normalize_answer.ts";

describe("normalizeAnswer()", () => {
  test("normalizeAnswer() trims, lower-cases, collapses spaces and drops one final . or !", () => {
    expect(normalizeAnswer("  Apple. ")).toBe("apple");
    expect(normalizeAnswer("New   York!")).toBe("new york");
    expect(normalizeAnswer("4..")).toBe("4.");
  });
});
