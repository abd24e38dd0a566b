import { describe, expect, test } from "vitest";
import { TASK_NAMES, TESTBED_MAX_ENTROPY, taskFamilies } from "./task_families.ts";

const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/** The correct answer of a low-entropy prompt, worked out from its text alone. */
function solve(prompt: string): string | undefined {
  let m = /^What is (\d+) \+ (\d+)\?$/.exec(prompt);
  if (m) return String(Number(m[1]) + Number(m[2]));
  m = /^Reverse the word ([a-z]+)\.$/.exec(prompt);
  if (m) return (m[1] as string).split("").reverse().join("");
  m = /^Sort the letters of ([a-z]+)\.$/.exec(prompt);
  if (m) return (m[1] as string).split("").sort().join("");
  m = /^What day (comes after|comes before|is two days after) (\w+)\?$/.exec(prompt);
  if (m) {
    const offset = { "comes after": 1, "comes before": -1, "is two days after": 2 }[m[1] as string] as number;
    return WEEKDAYS[(WEEKDAYS.indexOf(m[2] as string) + offset + 7) % 7];
  }
  m = /^Repeat the word ([a-z]+)\.$/.exec(prompt);
  if (m) return m[1];
  m = /^What is the first letter of ([a-z]+)\?$/.exec(prompt);
  if (m) return (m[1] as string).charAt(0);
  m = /^What letter comes (after|before) ([a-z])\?$/.exec(prompt);
  if (m) return String.fromCharCode((m[2] as string).charCodeAt(0) + (m[1] === "after" ? 1 : -1));
  return undefined;
}

describe("taskFamilies", () => {
  test("taskFamilies lists every task once, low-entropy families first", () => {
    expect(taskFamilies.map((f) => f.name)).toEqual([...TASK_NAMES]);
    const subsets = taskFamilies.map((f) => f.subset);
    expect(subsets.indexOf("high-entropy")).toBe(subsets.lastIndexOf("low-entropy") + 1);
  });

  test("taskFamilies gives low-entropy prompts their one correct answer, H = 0", () => {
    for (const family of taskFamilies.filter((f) => f.subset === "low-entropy")) {
      for (const p of family.prompts) {
        expect(p.answers, p.prompt).toEqual([{ answer: solve(p.prompt), probability: 1 }]);
        expect(p.entropy).toBe(0);
        expect(p.shape).toBe("single");
      }
    }
  });

  test("taskFamilies gives high-entropy prompts a distribution whose entropy is −Σ p ln p", () => {
    for (const family of taskFamilies.filter((f) => f.subset === "high-entropy")) {
      for (const p of family.prompts) {
        const k = p.answers.length;
        expect(k, p.prompt).toBeGreaterThanOrEqual(2);
        expect(new Set(p.answers.map((a) => a.answer.toLowerCase())).size, p.prompt).toBe(k);
        expect(p.answers.reduce((s, a) => s + a.probability, 0)).toBeCloseTo(1, 14);
        if (p.shape === "uniform") {
          expect(Math.abs(p.entropy - Math.log(k)), p.prompt).toBeLessThan(1e-14);
        } else {
          // Zipf with exponent 1: p_i = 1/(i·H_k), so H = ln H_k + Σ ln(i)/(i·H_k).
          const harmonic = Array.from({ length: k }, (_, i) => 1 / (i + 1)).reduce((s, x) => s + x, 0);
          const expected = Math.log(harmonic) + Array.from({ length: k }, (_, i) => Math.log(i + 1) / (i + 1) / harmonic).reduce((s, x) => s + x, 0);
          expect(Math.abs(p.entropy - expected), p.prompt).toBeLessThan(1e-14);
          p.answers.forEach((a, i) => expect(a.probability).toBeCloseTo(1 / (i + 1) / harmonic, 15));
        }
      }
    }
  });

  test("taskFamilies keeps every text short ASCII and every prompt text in one family only", () => {
    const seen = new Set<string>();
    for (const family of taskFamilies) {
      for (const p of family.prompts) {
        expect(p.prompt).toMatch(/^[\x20-\x7e]{1,40}$/);
        for (const a of p.answers) expect(a.answer).toMatch(/^[\x21-\x7e]{1,10}$/);
        expect(seen.has(p.prompt), p.prompt).toBe(false);
        seen.add(p.prompt);
      }
    }
  });

  test("taskFamilies holds out one prompt in five of each family", () => {
    for (const family of taskFamilies) {
      const heldout = family.prompts.filter((p) => p.split === "heldout").length;
      expect(heldout, family.name).toBe(Math.ceil(family.prompts.length / 5));
    }
  });

  test("taskFamilies keeps a training paraphrase for every held-out high-entropy question", () => {
    for (const family of taskFamilies.filter((f) => ["name-item", "starts-with", "pick-number"].includes(f.name))) {
      const trained = new Set(family.prompts.filter((p) => p.split === "train").map((p) => JSON.stringify(p.answers)));
      for (const p of family.prompts.filter((q) => q.split === "heldout")) expect(trained.has(JSON.stringify(p.answers)), p.prompt).toBe(true);
    }
  });

  test("TESTBED_MAX_ENTROPY is ln 12, the uniform month", () => {
    expect(TESTBED_MAX_ENTROPY).toBeCloseTo(Math.log(12), 14);
  });
});
