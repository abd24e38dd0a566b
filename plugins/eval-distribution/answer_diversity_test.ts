import { describe, expect, it } from "vitest";
import { answerDiversity } from "./answer_diversity.ts";

describe("answerDiversity()", () => {
  it("answerDiversity() counts valid draws and distinct valid answers per draw", () => {
    expect(answerDiversity(["apple", "pear", "apple", "rock"], (a) => a !== "rock")).toEqual({ validity: 0.75, distinct: 0.5 });
    expect(answerDiversity(["x", "x"], () => false)).toEqual({ validity: 0, distinct: 0 });
  });
});
