import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger, type EventDraft, type Logger, type Sample, type TrainInput, type Trainer, usePlugin } from "@ual/core";
import { plugin } from "./plugin.ts";

/** A micro model that trains in a fraction of a second per step (for tests). */
export const MICRO_MODEL = { preset: "tiny", dModel: 32, layers: 2, heads: 2, contextLength: 64 } as const;

/** `count` short arithmetic dialogues with ids `s0`, `s1`, …. */
export function arithmetic(count: number): Sample[] {
  return Array.from({ length: count }, (_, i) => {
    const a = (i * 7) % 13;
    const b = (i * 5) % 11;
    return {
      id: `s${i}`,
      turns: [
        { role: "user", content: `${a}+${b}${i % 3 === 0 ? " please" : ""}?` },
        { role: "assistant", content: `${a + b}${i % 2 === 0 ? "." : ""}` },
      ],
      metadata: {},
    };
  });
}

/** A re-readable sample source over an array. */
export function samplesOf(samples: readonly Sample[]): TrainInput["samples"] {
  return () =>
    (async function* () {
      yield* samples;
    })();
}

/** A fresh run directory. */
export function runDir(): string {
  return mkdtempSync(join(tmpdir(), "ual-trainer-"));
}

/** The trainer with options over the defaults the tests use; log lines collected in `logs`. */
export async function makeTrainer(
  options: Record<string, unknown>,
  context: { runDir: string; seed?: number },
): Promise<{ trainer: Trainer; logs: string[]; logger: Logger }> {
  const logs: string[] = [];
  const logger = createLogger((level, message) => logs.push(`${level}: ${message}`));
  const trainer = await usePlugin(plugin, { model: MICRO_MODEL, ...options }, { runDir: context.runDir, seed: context.seed ?? 7, logger });
  return { trainer, logs, logger };
}

/** Runs `train` to the end (or until `stopAfter` returns true for an event) and returns its events. */
export async function drain(
  trainer: Trainer,
  input: TrainInput,
  stopAfter?: (event: EventDraft) => boolean,
): Promise<EventDraft[]> {
  const controller = new AbortController();
  const events: EventDraft[] = [];
  for await (const event of trainer.train(input, { signal: controller.signal }) as AsyncIterable<EventDraft>) {
    events.push(event);
    if (stopAfter?.(event)) controller.abort();
  }
  return events;
}

/** The losses of the `train.step` events, by step. */
export function losses(events: readonly EventDraft[]): number[] {
  return events.flatMap((e) => (e.type === "train.step" ? [e.loss] : []));
}
