import { describe, expect, it } from "vitest";
import { parseVerdict } from "./parse_verdict.ts";

describe("parseVerdict()", () => {
  it("parseVerdict() reads the JSON answer with its rationale, fenced or inside prose", () => {
    expect(parseVerdict('{"rationale": "B invents a date.", "verdict": "A"}')).toEqual({ verdict: "A", rule: "json", rationale: "B invents a date." });
    expect(parseVerdict('```json\n{"verdict": "tie", "rationale": "Both fine."}\n```')).toMatchObject({ verdict: "tie", rule: "json" });
    expect(parseVerdict('Here you go: {"verdict": "B"}')).toEqual({ verdict: "B", rule: "json" });
    expect(parseVerdict('{"verdict": "b"}').verdict).toBe("B");
  });

  it("parseVerdict() gives null with the reason for JSON without a valid verdict, or cut short", () => {
    expect(parseVerdict('{"verdict": "constructor"}').verdict).toBeNull();
    expect(parseVerdict('{"verdict": "C"}')).toMatchObject({ verdict: null, reason: expect.stringContaining('"verdict" must be "A", "B" or "tie"') });
    expect(parseVerdict('{"rationale": "fine"}')).toMatchObject({ verdict: null, reason: expect.stringContaining('no "verdict"') });
    // Cut off mid-rationale: "A is better" inside it must not be taken for the verdict.
    expect(parseVerdict('{"rationale": "A is better because')).toMatchObject({ verdict: null, reason: expect.stringMatching(/^malformed JSON reply/) });
  });

  it("parseVerdict() follows spec §6.4 for free text: the last standalone 1|2|3 after the last ### Judgment:", () => {
    expect(parseVerdict("### Rationale: The first follows the 3 rules.\n### Judgment: 1")).toEqual({ verdict: "A", rule: "judgment-number", rationale: "The first follows the 3 rules." });
    expect(parseVerdict("### Rationale: close\n### Judgment: **2**")).toMatchObject({ verdict: "tie", rule: "judgment-number" });
    expect(parseVerdict("### Judgment: 1\nOn reflection:\n### Judgment: 3")).toMatchObject({ verdict: "B" });
    expect(parseVerdict("### Judgment: I would say 1, no, 3.")).toMatchObject({ verdict: "B" });
    // Without the header, the whole reply is searched (the spec's fallback).
    expect(parseVerdict("The second answer is wrong. Judgment: 1")).toMatchObject({ verdict: "A", rationale: "The second answer is wrong. Judgment: 1" });
  });

  it("parseVerdict() does not read parts of numbers, fractions, dates or ordinals as a judgment", () => {
    for (const text of ["### Judgment: 1.5", "### Judgment: 2/3", "### Judgment: 3rd", "### Judgment: 12", "### Judgment: 2023-01-02", "### Judgment: 3%"]) {
      expect(parseVerdict(text), text).toMatchObject({ verdict: null, reason: expect.stringMatching(/^no verdict in the reply/) });
    }
  });

  it("parseVerdict() reads our A/B/tie labels", () => {
    expect(parseVerdict("[[A]]").verdict).toBe("A");
    expect(parseVerdict("B").verdict).toBe("B");
    expect(parseVerdict("### Judgment: **B**").verdict).toBe("B");
    expect(parseVerdict("### Judgment: Answer A.").verdict).toBe("A");
    expect(parseVerdict("Verdict: tie").verdict).toBe("tie");
    expect(parseVerdict("After weighing both, the winner is B.").verdict).toBe("B");
    expect(parseVerdict("Answer B is better on helpfulness.").verdict).toBe("B");
    expect(parseVerdict("Neither stands out: it's a tie.").verdict).toBe("tie");
  });

  it("parseVerdict() never reads the article 'a' as Answer A, nor 'not a tie' as a tie", () => {
    expect(parseVerdict("The verdict is a tie.").verdict).toBe("tie");
    expect(parseVerdict("It is not a tie. Verdict: B").verdict).toBe("B");
    expect(parseVerdict("It is not a tie.")).toMatchObject({ verdict: null });
  });

  it("parseVerdict() gives null for empty replies and replies without a verdict", () => {
    expect(parseVerdict("  ")).toEqual({ verdict: null, reason: "empty reply" });
    expect(parseVerdict("Both answers have merits.")).toMatchObject({ verdict: null, reason: 'no verdict in the reply: "Both answers have merits."' });
  });
});
