import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseManifestText } from "@ual/core";
import { ROOT } from "./_cli.ts";

/** A model small enough that an end-to-end run takes seconds (the examples' shapes, scaled down). */
export const E2E_MODEL = { preset: "tiny", dModel: 48, layers: 2, heads: 2, contextLength: 384 };

/**
 * Writes a copy of an example manifest into `dir` with the data path made absolute and the
 * trainer's options overridden, so that a test runs the example's pipeline at a test's size.
 */
export function exampleManifest(example: string, dir: string, trainer: Record<string, unknown>): string {
  const manifest = parseManifestText(readFileSync(join(ROOT, "examples", example), "utf8")).data as {
    stages: { source: { with: { path: string } }; trainer: { with: Record<string, unknown> } };
  };
  manifest.stages.source.with.path = join(ROOT, "examples", "data", "mixed.jsonl");
  manifest.stages.trainer.with = { ...manifest.stages.trainer.with, backend: "wasm", ...trainer };
  const path = join(dir, example.replace(/\.yaml$/, ".json"));
  writeFileSync(path, JSON.stringify(manifest, null, 2));
  return path;
}

/** Every record of a run's events.jsonl. */
export function readEvents(runDir: string): Array<Record<string, unknown>> {
  return readFileSync(join(runDir, "events.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** A `train.step` event as events.jsonl stores it. */
export interface StepRecord {
  step: number;
  loss: number;
  lr: number;
  epsilon: { mean: number; min: number; max: number };
  skipped?: boolean;
}

/** The `train.step` records; when a resumed run repeated steps, the last record of each step wins. */
export function trainSteps(runDir: string): StepRecord[] {
  const byStep = new Map<number, StepRecord>();
  for (const e of readEvents(runDir)) if (e.type === "train.step") byStep.set(e.step as number, e as unknown as StepRecord);
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}
