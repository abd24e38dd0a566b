// @ts-check
// UAL from code: a pipeline written as an object with a plugin defined right here, its events
// watched as they come (a live loss curve), the run cancelled on a condition, then resumed.
//
//   node examples/programmatic/watch_training.mjs [--stop-at-step 8] [--runs-dir runs]
//
// Needs only what `npm ci` installs (in a project of your own: @ual/core, @ual/source-jsonl,
// @ual/mapper-truncated-linear, @ual/trainer-tfjs and rxjs).
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { bufferCount, filter, lastValueFrom, map, scan, takeWhile, tap } from "rxjs";
import { defineManifest, definePlugin, isEvent, run, toRunResult, z } from "@ual/core";

const { values: args } = parseArgs({ options: { "stop-at-step": { type: "string", default: "8" }, "runs-dir": { type: "string", default: "runs" }, data: { type: "string" } } });
const here = dirname(fileURLToPath(import.meta.url));

// An uncertainty estimator written inline: a long, wordy answer is taken as more open-ended.
// (A real one asks a strong LLM — @ual/uncertainty-openai — or reads a field.)
const answerLength = definePlugin({
  name: "example/answer-length",
  version: "1.0.0",
  kind: "uncertainty",
  apiVersion: 1,
  options: z.strictObject({ wordsFor99: z.number().positive().default(200) }),
  create: ({ wordsFor99 }) => ({
    estimate: async (sample) => {
      const answer = sample.turns.filter((t) => t.role === "assistant").map((t) => t.content).join(" ");
      const words = answer.split(/\s+/).filter(Boolean).length;
      return { score: Math.min(99, Math.round((99 * words) / wordsFor99)) };
    },
  }),
});

const manifest = defineManifest({
  apiVersion: "ual/v1",
  name: "watch-training",
  stages: {
    source: { use: "@ual/source-jsonl", with: { path: args.data ?? join(here, "..", "data", "mixed.jsonl") } },
    uncertainty: { use: answerLength, with: { wordsFor99: 150 } },
    mapper: { use: "@ual/mapper-truncated-linear", with: { alpha: 0.1 } },
    trainer: {
      use: "@ual/trainer-tfjs",
      with: { model: { preset: "tiny", contextLength: 128 }, tokenizer: "byte", batchSize: 8, maxSteps: 16, lr: 0.002, checkpointEvery: 4 },
    },
  },
});

const stopAt = Number(args["stop-at-step"]);
const options = { runsDir: args["runs-dir"] };

// 1. Watch the loss as a curve of 4-step means, and cancel once the step `stopAt` is done:
//    leaving the stream (takeWhile) stops the trainer; its checkpoints stay and the run is
//    recorded as interrupted.
const curve = await lastValueFrom(
  run(manifest, options).pipe(
    filter(isEvent("train.step")),
    takeWhile((step) => step.step < stopAt, true),
    map((step) => step.loss),
    bufferCount(4),
    map((losses) => losses.reduce((a, b) => a + b, 0) / losses.length),
    scan((points, mean) => [...points, mean], /** @type {number[]} */ ([])),
    tap((points) => console.log(`loss curve (mean of 4 steps): ${points.map((p) => p.toFixed(3)).join(" → ")}`)),
  ),
  { defaultValue: [] },
);
console.log(`cancelled after step ${stopAt}`);

// 2. The same manifest again resumes the interrupted run from its last checkpoint.
const result = await lastValueFrom(
  run(manifest, options).pipe(
    tap((event) => {
      if (event.type === "run.start") console.log(`resumed: ${event.resumed} (${event.runDir})`);
      if (event.type === "train.step" && event.step % 4 === 0) console.log(`step ${event.step}: loss ${event.loss.toFixed(3)}`);
    }),
    toRunResult(),
  ),
);
console.log(JSON.stringify({ curve, status: result.status, resumed: result.resumed, steps: result.summary.steps, runDir: result.runDir }));
