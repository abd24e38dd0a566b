import { readFileSync } from "node:fs";

/** The shape of fixtures/reference.json, written by fixtures/make_fixtures.py (sklearn / scipy). */
export interface Reference {
  versions: Record<string, string>;
  pca: Array<{
    name: string;
    points: number[][];
    k: number;
    projected: number[][];
    explainedVarianceRatio: number[];
    explainedVariance: number[];
    components: number[][];
    mean: number[];
  }>;
  silhouette: Array<{ name: string; points: number[][]; labels: number[]; score: number }>;
  pairs: {
    features: number[][];
    labels: number[];
    topK: number;
    top: number[];
    pairs: Array<{ labels: [number, number]; silhouette: number }>;
    mean: number;
  };
}

/** Loads the reference values (tests only). */
export function loadReference(): Reference {
  return JSON.parse(readFileSync(new URL("./fixtures/reference.json", import.meta.url), "utf8")) as Reference;
}
