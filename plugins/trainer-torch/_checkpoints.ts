import { existsSync } from "node:fs";
import { readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import type { JsonObject } from "@ual/core";

/** `trainer_state.json` of a @ual/trainer-torch checkpoint (written by python/train.py). */
export interface TorchTrainerState {
  format: "ual-trainer-torch/1";
  /** Optimizer steps done. */
  step: number;
  totalSteps: number;
  /** Where sampling stands: the next step's batch is the plan's schedule at `step`. */
  cursor: { step: number; epoch: number };
  /** AdamW updates applied (skipped non-finite steps apply none). */
  adamStep: number;
  nanStreak: number;
  /** The online estimator's state after this step, when there is one. */
  estimator: JsonObject | null;
  fingerprint: { data: string; options: string };
  /** Processes that trained it. */
  world: number;
}

const STEP_DIR = /^step-(\d+)$/;
const STATE_FILE = "trainer_state.json";

/** The newest complete checkpoint under `root` (a `step-N` directory with its state file, which is written last). */
export async function newestCheckpoint(root: string): Promise<string | undefined> {
  if (!existsSync(root)) return undefined;
  let best: { step: number; dir: string } | undefined;
  for (const entry of await readdir(root, { withFileTypes: true })) {
    const m = STEP_DIR.exec(entry.name);
    if (!entry.isDirectory() || m === null || !existsSync(join(root, entry.name, STATE_FILE))) continue;
    const step = Number(m[1]);
    if (best === undefined || step > best.step) best = { step, dir: join(root, entry.name) };
  }
  return best?.dir;
}

/** Removes the temporary directories of checkpoints a killed run was writing. */
export async function removeStaleTemporaries(root: string): Promise<void> {
  if (!existsSync(root)) return;
  for (const entry of await readdir(root)) if (entry.startsWith(".tmp-")) await rm(join(root, entry), { recursive: true, force: true });
}

/** Reads a checkpoint's state file, refusing another trainer's. */
export async function readTorchTrainerState(dir: string): Promise<TorchTrainerState> {
  const path = join(dir, STATE_FILE);
  const state = JSON.parse(await readFile(path, "utf8")) as TorchTrainerState;
  if (state.format !== "ual-trainer-torch/1") {
    throw new Error(`${path}: not a @ual/trainer-torch checkpoint (format ${String(state.format)}); a run resumes only with the trainer that wrote it`);
  }
  return state;
}
