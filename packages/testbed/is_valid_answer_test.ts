import { describe, expect, test } from "vitest";
import { isValidAnswer } from "./is_valid_answer.ts";

describe("isValidAnswer()", () => {
  test("isValidAnswer() accepts any valid answer, ignoring case and a final full stop", () => {
    expect(isValidAnswer("Name a fruit.", "Kiwi")).toBe(true);
    expect(isValidAnswer("Name a fruit.", " kiwi. ")).toBe(true);
    expect(isValidAnswer("Name a fruit.", "carrot")).toBe(false);
    expect(isValidAnswer("What is 17 + 25?", "42")).toBe(true);
    expect(isValidAnswer("What is 17 + 25?", "43")).toBe(false);
    expect(isValidAnswer("Reverse the word dog.", "god")).toBe(true);
    expect(isValidAnswer("Reverse the word dog.", "dog")).toBe(false);
    expect(isValidAnswer("What day comes after Monday?", "tuesday")).toBe(true);
  });

  test("isValidAnswer() refuses a prompt the testbed does not have", () => {
    expect(() => isValidAnswer("Name a planet.", "Mars")).toThrow('not a testbed prompt: "Name a planet."');
  });
});
