import { describe, expect, it } from "vitest";
import { extractAnswer, isExactMatch } from "./extract_answer.ts";

describe("extractAnswer()", () => {
  it("extractAnswer() reads GSM8K's ####, 'The answer is', the last number, else the first line", () => {
    expect(extractAnswer("3 + 4 = 7\n#### 7")).toBe("7");
    expect(extractAnswer("So, the answer is 1,024.")).toBe("1024");
    expect(extractAnswer("It costs 5 then 12 dollars", { numeric: true })).toBe("12");
    expect(extractAnswer("Sunday\nor Monday")).toBe("sunday");
    expect(extractAnswer("  ")).toBe("");
  });
});

describe("isExactMatch()", () => {
  it("isExactMatch() is strict by default and lenient with substring", () => {
    expect(isExactMatch("The answer is 7.", "#### 7")).toBe(true);
    expect(isExactMatch("I think 3, no, 7", "#### 7")).toBe(true);
    expect(isExactMatch("7 or 8", "#### 7")).toBe(false);
    expect(isExactMatch("7 or 8", "#### 7", { mode: "substring" })).toBe(true);
    expect(isExactMatch("sunday", "Sunday")).toBe(true);
    expect(isExactMatch("Sundays", "Sunday")).toBe(false);
  });
});
