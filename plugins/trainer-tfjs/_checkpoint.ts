import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { copyFile, mkdir, readdir, readFile, rename, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { type JsonObject, writeJsonAtomic } from "@ual/core";
import type { AdamW, AdamWSlot } from "@ual/nn";
import { readSafetensors, writeSafetensors } from "@ual/safetensors";
import type { SamplingCursor } from "@ual/training-data";
import type { TrainedModel } from "./_model_setup.ts";

/** The JSON part of a checkpoint (`trainer_state.json`). */
export interface TrainerState {
  format: "ual-trainer-tfjs/1";
  /** Optimizer steps done. */
  step: number;
  totalSteps: number;
  cursor: SamplingCursor;
  /** AdamW updates applied (skipped steps apply none). */
  adamStep: number;
  /** Non-finite steps in a row at this point. */
  nanStreak: number;
  /** The online estimator's state, when there is one. */
  estimator: JsonObject | null;
  /** What must match to resume: the data and the training options. */
  fingerprint: { data: string; options: string };
}

const STEP_DIR = /^step-(\d+)$/;
const STATE_FILE = "trainer_state.json";

/** `checkpoints/step-000042`. */
export function checkpointDir(root: string, step: number): string {
  return join(root, `step-${String(step).padStart(6, "0")}`);
}

/** The newest complete checkpoint under `root` (a `step-N` directory with its state file), if any. */
export async function newestCheckpoint(root: string): Promise<string | undefined> {
  if (!existsSync(root)) return undefined;
  let best: { step: number; dir: string } | undefined;
  for (const entry of await readdir(root, { withFileTypes: true })) {
    const m = STEP_DIR.exec(entry.name);
    if (!entry.isDirectory() || m === null) continue;
    const dir = join(root, entry.name);
    if (!existsSync(join(dir, STATE_FILE))) continue;
    const step = Number(m[1]);
    if (best === undefined || step > best.step) best = { step, dir };
  }
  return best?.dir;
}

/** Removes temporary directories a killed run left behind. */
export async function removeStaleTemporaries(root: string): Promise<void> {
  if (!existsSync(root)) return;
  for (const entry of await readdir(root)) if (entry.startsWith(".tmp-")) await rm(join(root, entry), { recursive: true, force: true });
}

/** Everything a checkpoint holds besides the model. */
export interface CheckpointContent {
  /** The trained weights: written by `save`, named (for the optimizer's moments) by `trainable`. */
  model: Pick<TrainedModel, "save" | "trainable">;
  optimizer: AdamW;
  state: TrainerState;
  /** `config.json`: the model's Hugging Face GPT-2 config plus how it was trained. */
  config: JsonObject;
  /** A Hugging Face tokenizer.json to copy beside the weights (with its tokenizer_config.json, if any). */
  tokenizerFile?: string;
}

/**
 * Writes a checkpoint atomically: everything goes into a temporary directory beside the final
 * one, each file flushed, then the directory is renamed into place — so a kill at any moment
 * leaves either no `step-N` directory or a complete one (spec: resume must never read a torn one).
 */
export async function writeCheckpoint(root: string, content: CheckpointContent): Promise<string> {
  const final = checkpointDir(root, content.state.step);
  const temp = join(root, `.tmp-${String(content.state.step).padStart(6, "0")}-${process.pid}-${randomBytes(3).toString("hex")}`);
  await mkdir(temp, { recursive: true });
  try {
    await content.model.save(temp);
    const { step, slots } = content.optimizer.state();
    const tensors: Record<string, { dtype: "F32"; shape: number[]; data: Float32Array }> = {};
    for (const [name, slot] of slots) {
      tensors[`${name}.exp_avg`] = { dtype: "F32", shape: slot.shape, data: slot.m };
      tensors[`${name}.exp_avg_sq`] = { dtype: "F32", shape: slot.shape, data: slot.v };
    }
    await writeSafetensors(join(temp, "optimizer.safetensors"), tensors, { step: String(step) });
    await writeJsonAtomic(join(temp, "config.json"), content.config);
    if (content.tokenizerFile !== undefined) {
      await copyFile(content.tokenizerFile, join(temp, "tokenizer.json"));
      const config = join(dirname(content.tokenizerFile), "tokenizer_config.json");
      if (existsSync(config)) await copyFile(config, join(temp, "tokenizer_config.json"));
    }
    // the state file last: its presence marks the checkpoint complete
    await writeJsonAtomic(join(temp, STATE_FILE), content.state);
    await rm(final, { recursive: true, force: true });
    await rename(temp, final);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
  return final;
}

/** Reads a checkpoint's state file. */
export async function readTrainerState(dir: string): Promise<TrainerState> {
  const state = JSON.parse(await readFile(join(dir, STATE_FILE), "utf8")) as TrainerState;
  if (state.format !== "ual-trainer-tfjs/1") throw new Error(`${dir}: not a @ual/trainer-tfjs checkpoint (format ${String(state.format)})`);
  return state;
}

/** Loads the weights and the optimizer's moments of a checkpoint. */
export async function loadCheckpoint(dir: string, model: Pick<TrainedModel, "load" | "trainable">, optimizer: AdamW, adamStep: number): Promise<void> {
  await model.load(dir);
  const file = await readSafetensors(join(dir, "optimizer.safetensors"));
  const slots = new Map<string, AdamWSlot>();
  for (const name of model.trainable.keys()) {
    const m = file.get(`${name}.exp_avg`);
    const v = file.get(`${name}.exp_avg_sq`);
    if (m === undefined || v === undefined) throw new Error(`${dir}/optimizer.safetensors: no moments for ${name}`);
    slots.set(name, { m: m.data as Float32Array, v: v.data as Float32Array, shape: [...m.shape] });
  }
  optimizer.restore({ step: adamStep, slots });
}
