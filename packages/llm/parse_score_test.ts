import { describe, expect, it } from "vitest";
import { parseScore } from "./parse_score.ts";

describe("parseScore()", () => {
  it("parseScore() reads the JSON answer the rubric asks for, bare, fenced or inside prose", () => {
    expect(parseScore('{"score": 42}')).toEqual({ score: 42, rule: "json" });
    expect(parseScore('```json\n{"score": 7}\n```')).toEqual({ score: 7, rule: "json" });
    expect(parseScore('Sure. {"score": 88} is my rating.')).toEqual({ score: 88, rule: "json" });
    expect(parseScore('{"score": "15"}')).toEqual({ score: 15, rule: "json" });
    expect(parseScore('{"score": 0}')).toEqual({ score: 0, rule: "json" });
    expect(parseScore('{"score": 99}')).toEqual({ score: 99, rule: "json" });
  });

  it("parseScore() gives null with a reason for a JSON score outside 0–99 or not a number", () => {
    expect(parseScore('{"score": 150}')).toEqual({ score: null, reason: "score 150 is outside 0–99" });
    expect(parseScore('{"score": -3}')).toEqual({ score: null, reason: "score -3 is outside 0–99" });
    expect(parseScore('{"score": "high"}').score).toBeNull();
    expect(parseScore('{"rating": 40}')).toMatchObject({ score: null, reason: expect.stringContaining('no "score"') });
  });

  it("parseScore() does not read a number out of a truncated JSON reply", () => {
    // `{"score": 4` could be the start of 42; guessing 4 would be wrong.
    expect(parseScore('{"score": 4')).toMatchObject({ score: null, reason: expect.stringContaining("malformed JSON") });
  });

  it("parseScore() applies spec §1.3's keyword, out-of-99 and first-number rules in order", () => {
    expect(parseScore("Score: 73")).toEqual({ score: 73, rule: "keyword" });
    expect(parseScore("I would rate this conversation 35.")).toEqual({ score: 35, rule: "keyword" });
    expect(parseScore("Rating - 5")).toEqual({ score: 5, rule: "keyword" });
    expect(parseScore("Overall I'd say 64/99 here")).toEqual({ score: 64, rule: "out-of" });
    expect(parseScore("Maybe 12 out of 99.")).toEqual({ score: 12, rule: "out-of" });
    expect(parseScore("This is technical; 20.")).toEqual({ score: 20, rule: "first-number" });
  });

  it("parseScore() never takes an echoed band or the scale's top for a rating", () => {
    expect(parseScore("The bands are 0-39, 40-69 and 70-99.")).toMatchObject({ score: null, reason: expect.stringContaining("no score") });
    expect(parseScore("On a scale of 0 to 99, it falls in 70–99.").score).toBeNull();
    expect(parseScore("Score range 70-99 applies; my score: 81")).toEqual({ score: 81, rule: "keyword" });
    expect(parseScore("Bands: 0-39, 40-69, 70-99. This one is 55.")).toEqual({ score: 55, rule: "first-number" });
    expect(parseScore("out of 99").score).toBeNull();
  });

  it("parseScore() gives null for empty replies, numbers above 99 and negatives", () => {
    expect(parseScore("")).toEqual({ score: null, reason: "empty reply" });
    expect(parseScore("   \n")).toEqual({ score: null, reason: "empty reply" });
    expect(parseScore("Score: 150").score).toBeNull();
    expect(parseScore("I refuse.").score).toBeNull();
    expect(parseScore("-5").score).toBeNull();
  });

  it("parseScore() quotes a long unreadable reply briefly in its reason", () => {
    const result = parseScore(`no number here ${"x".repeat(200)}`);
    expect(result.score).toBeNull();
    if (result.score === null) expect(result.reason.length).toBeLessThan(100);
  });
});
