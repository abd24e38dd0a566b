import { readFileSync } from "node:fs";
import type { ScoredQuestion } from "./choice_accuracy.ts";

/** The values fixtures/make_reference_values.py computed once with torch and numpy (tests only). */
export interface ReferenceValues {
  softmax: Array<{ logits: number[]; temperature: number; topK: number; probs: number[]; goldIds: number[]; goldMass: number }>;
  bestOfN: Array<{ p: number; n: number; value: number }>;
  accuracy: Array<{ questions: ScoredQuestion[]; acc: number; accNormTokens: number; accNormChars: number }>;
}

/** Reads fixtures/reference_values.json. */
export function referenceValues(): ReferenceValues {
  return JSON.parse(readFileSync(new URL("./fixtures/reference_values.json", import.meta.url), "utf8")) as ReferenceValues;
}
