import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type CallOptions, type EventDraft, type JsonObject, type Logger, type TrainInput, writeFileAtomic, writeJsonAtomic } from "@ual/core";
import { type ChatFormat, chatFormatName, type LoraFamily, type Tokenizer } from "@ual/models";
import { learningRateAt } from "@ual/nn";
import { createBatchSchedule, type Example, fingerprintExamples, readTrainingExamples } from "@ual/training-data";
import { newestCheckpoint, readTorchTrainerState, removeStaleTemporaries } from "./_checkpoints.ts";
import { createEventQueue } from "./_event_queue.ts";
import type { TorchPython } from "./find_torch_python.ts";
import { commandLine, launch, type LauncherName, probeTorchrun } from "./_launch.ts";
import { planLoss } from "./_plan_loss.ts";
import type { TrainerTorchOptions } from "./options.ts";

/** What `create` resolved before training starts. */
export interface TorchSetup {
  name: string;
  options: TrainerTorchOptions;
  logger: Logger;
  runDir: string;
  runId: string;
  tokenizer: Tokenizer;
  /** tokenizer.json (and tokenizer_config.json) to copy into checkpoints; empty for the byte tokenizer. */
  tokenizerFiles: string[];
  seed: number;
  maxLength: number;
  chatFormat: ChatFormat;
  /** The init folder, absolute (adapter_config.json's base_model_name_or_path). */
  init: string;
  hfConfig: JsonObject;
  family: LoraFamily;
  python: TorchPython;
}

/** The training script shipped in the package (`python/` beside `dist/`). */
export const SCRIPT = [new URL("./python/train.py", import.meta.url), new URL("../python/train.py", import.meta.url)]
  .map((url) => fileURLToPath(url))
  .find((path) => existsSync(path)) ?? fileURLToPath(new URL("../python/train.py", import.meta.url)); // from the sources, or from dist/

/** A line of the script's stdout (rank 0). */
type ScriptLine =
  | { type: "log"; level: "debug" | "info" | "warn" | "error"; message: string }
  | { type: "ready"; world: number; device: string; family: string; step: number; trainable: number; parameters: number; threads: number; torch: string; precision: string }
  | { type: "nll"; step: number; nll: number[] }
  | { type: "step"; step: number; epoch: number; loss: number | null; lr: number; tokensPerSecond: number; epsilon: { mean: number; min: number; max: number }; skipped?: boolean; gradNorm: number | null }
  | { type: "checkpoint"; step: number; path: string }
  | { type: "done" | "stopped"; step: number }
  | { type: "error"; message: string };

let torchrunWorks: Promise<{ ok: true } | { ok: false; reason: string }> | undefined;

/** `launcher: auto` probes torchrun once per process (a second or two) and remembers the answer. */
async function chooseLauncher(setup: TorchSetup): Promise<{ launcher: LauncherName; why: string }> {
  const wanted = setup.options.launcher;
  if (wanted === "processes") return { launcher: "processes", why: "launcher: processes" };
  torchrunWorks ??= probeTorchrun(setup.python.command, SCRIPT);
  const probe = await torchrunWorks;
  if (probe.ok) return { launcher: "torchrun", why: "torchrun passed its probe" };
  if (wanted === "torchrun") {
    throw new Error(`${setup.name}: launcher torchrun: \`${setup.python.command} -m torch.distributed.run\` does not start here (${probe.reason}); use launcher: auto or processes`);
  }
  return { launcher: "processes", why: `torchrun does not start here (${probe.reason})` };
}

function checkpointConfig(setup: TorchSetup): JsonObject {
  const { hfConfig, options, maxLength, chatFormat } = setup;
  return {
    ...hfConfig,
    ual: {
      trainer: setup.name,
      tokenizer: setup.tokenizerFiles.length > 0 ? "tokenizer.json" : "byte",
      template: chatFormatName(chatFormat),
      // the checkpoint then prompts as it was trained, without its base folder's tokenizer_config.json
      ...(chatFormat.kind === "hf" ? { chatTemplate: { chatTemplate: chatFormat.chatTemplate, bosToken: chatFormat.bosToken, eosToken: chatFormat.eosToken } } : {}),
      maskPrompt: options.maskPrompt,
      maxLength,
    },
  };
}

async function writeTokens(dir: string, examples: readonly Example[]): Promise<number[]> {
  const offsets = [0];
  for (const e of examples) offsets.push((offsets.at(-1) as number) + e.inputIds.length);
  const total = offsets.at(-1) as number;
  const ids = new Int32Array(total);
  const labels = new Int32Array(total);
  examples.forEach((e, i) => {
    ids.set(e.inputIds, offsets[i]);
    labels.set(e.labels, offsets[i]);
  });
  // int32 little-endian (every platform Node runs on), read with numpy.fromfile("<i4")
  await writeFileAtomic(join(dir, "ids.bin"), new Uint8Array(ids.buffer));
  await writeFileAtomic(join(dir, "labels.bin"), new Uint8Array(labels.buffer));
  return offsets;
}

/**
 * One training run: tokenizes and schedules on the TypeScript side (the same tokens and batches
 * as @ual/trainer-tfjs), writes them with ε per sample into `<run>/torch/`, resumes from the
 * newest checkpoint, starts the processes (torchrun, or N processes with env:// rendezvous) on
 * the shipped script, and turns its JSON lines into `train.step`, `checkpoint` and `log` events;
 * with an online estimator it answers each step's per-sample NLL with ε (the estimator plugin
 * stays the authority, spec §4). Ctrl-C stops the processes at a step boundary.
 */
export async function* trainTorch(setup: TorchSetup, input: TrainInput, call: CallOptions): AsyncGenerator<EventDraft> {
  const { options, logger, name } = setup;
  const { signal } = call;
  const loss = planLoss(name, input.loss, options);
  const examples = await readTrainingExamples(input.samples({ signal }), setup.tokenizer, { template: setup.chatFormat, maskPrompt: options.maskPrompt, maxLength: setup.maxLength }, call, { logger, name });

  const online = input.online;
  if (options.launcher === "none" && online !== undefined) {
    throw new Error(`${name}: launcher none cannot train with an online estimator (its ε comes step by step over the processes' pipes); rate the samples before training (an estimator with a mapper) or use another launcher`);
  }
  let fixed: number[] | null = null;
  if (input.smoothing !== undefined) {
    fixed = examples.map((e) => {
      const eps = input.smoothing?.get(e.id);
      if (eps === undefined) {
        throw new Error(`${name}: sample "${e.id}" has no smoothing value from the mapper; every training sample needs one (was the data changed between the scoring and the training pass?)`);
      }
      return eps;
    });
  }

  const schedule = createBatchSchedule(examples.map((e) => e.inputIds.length), { mode: options.sampling, batchSize: options.batchSize, seed: setup.seed + 1, groupByLength: options.groupByLength });
  const totalSteps = options.maxSteps ?? options.epochs * schedule.stepsPerEpoch;
  const warmupSteps = Math.ceil(options.warmup * totalSteps);
  const totalSamples = options.maxSteps !== undefined ? options.maxSteps * options.batchSize : options.epochs * examples.length;
  // the whole schedule up front: the script takes step k's batch from it, so resuming is a step number
  const batches: number[][] = [];
  const epochs: number[] = [];
  const lrs: number[] = [];
  for (let s = 0; s < totalSteps; s++) {
    const { indices, epoch } = schedule.next();
    batches.push(indices);
    epochs.push(epoch);
    lrs.push(learningRateAt(s, { schedule: options.schedule, peak: options.lr, totalSteps, warmupSteps, batchSize: options.batchSize, totalSamples }));
  }
  const fingerprint = {
    data: fingerprintExamples(examples),
    // what must match to resume; where and on how many processes it runs may change
    options: JSON.stringify({
      ...options,
      seed: setup.seed,
      // a loss stage changes what is minimised (its absence leaves the fingerprint as it was)
      ...(input.loss !== undefined ? { loss: { kind: loss.kind, options: loss.options, aggregation: loss.aggregation } } : {}),
      ...Object.fromEntries(["maxSteps", "epochs", "checkpointEvery", "nanPatience", "nprocPerNode", "nnodes", "nodeRank", "rdzvEndpoint", "device", "distributedBackend", "launcher", "python", "threadsPerProcess", "graceSeconds", "microBatchSize", "gradientCheckpointing"].map((k) => [k, undefined])),
    }),
  };

  const checkpoints = join(setup.runDir, "checkpoints");
  await removeStaleTemporaries(checkpoints);
  let resume: string | undefined;
  const found = await newestCheckpoint(checkpoints);
  if (found !== undefined) {
    const state = await readTorchTrainerState(found);
    if (state.fingerprint.data !== fingerprint.data) throw new Error(`${name}: ${found} was trained on other data (${state.fingerprint.data} samples:hash, now ${fingerprint.data}); it cannot be resumed`);
    if (state.fingerprint.options !== fingerprint.options) throw new Error(`${name}: ${found} was written with other training options; it cannot be resumed with these`);
    if (online !== undefined && state.estimator !== null) online.restore(state.estimator);
    logger.info(`resuming from ${found}: step ${state.step} of ${totalSteps}`);
    if (state.step >= totalSteps) {
      yield { type: "checkpoint", step: state.step, path: found };
      return;
    }
    resume = found;
  }

  const dir = join(setup.runDir, "torch");
  await mkdir(dir, { recursive: true });
  const offsets = await writeTokens(dir, examples);
  // the samples and their ε, for people (the script reads plan.json)
  await writeFileAtomic(
    join(dir, "samples.jsonl"),
    examples.map((e, i) => JSON.stringify({ id: e.id, tokens: e.inputIds.length, targets: e.targets, epsilon: fixed === null ? (online !== undefined ? "online" : 0) : fixed[i] })).join("\n") + "\n",
  );
  const world = options.nnodes * options.nprocPerNode;
  const threadsPerProcess = options.threadsPerProcess === "auto" ? Math.max(1, Math.floor(availableParallelism() / options.nprocPerNode)) : options.threadsPerProcess;
  const micro = options.microBatchSize;
  const gradientCheckpointing = options.gradientCheckpointing ?? options.device === "cuda";
  const plan = {
    format: "ual-trainer-torch-plan/1",
    init: setup.init,
    lora: options.lora === undefined ? null : { r: options.lora.r, alpha: options.lora.alpha, dropout: options.lora.dropout, targets: options.lora.targets ?? (setup.family === "gpt2" ? ["c_attn"] : ["q_proj", "v_proj"]) },
    seed: setup.seed,
    vocabSize: setup.tokenizer.vocabSize,
    examples: { ids: "ids.bin", labels: "labels.bin", offsets, pad: setup.tokenizer.pad, count: examples.length },
    epsilon: fixed,
    online: online === undefined ? null : { shift: online.shift ?? "next-token" },
    schedule: batches,
    epochs,
    lr: lrs,
    totalSteps,
    loss,
    optim: { betas: options.betas, eps: options.adamEpsilon, weightDecay: options.weightDecay },
    gradClip: options.gradClip,
    microBatchSize: micro,
    nanPatience: options.nanPatience,
    checkpointEvery: options.checkpointEvery,
    checkpointsDir: checkpoints,
    checkpointConfig: checkpointConfig(setup),
    tokenizerFiles: setup.tokenizerFiles,
    fingerprint,
    resume: resume ?? null,
    threadsPerProcess,
    device: options.device,
    precision: options.precision,
    gradientCheckpointing,
    distributedBackend: options.distributedBackend === "auto" ? (options.device === "cuda" ? "nccl" : "gloo") : options.distributedBackend,
  };
  await writeJsonAtomic(join(dir, "plan.json"), plan);
  const launchPlan = {
    script: SCRIPT,
    args: [join(dir, "plan.json")],
    nprocPerNode: options.nprocPerNode,
    nnodes: options.nnodes,
    nodeRank: options.nodeRank,
    ...(options.rdzvEndpoint !== undefined ? { rdzvEndpoint: options.rdzvEndpoint } : {}),
    runId: setup.runId,
    threadsPerProcess,
  };
  if (options.launcher === "none") {
    const command = commandLine({ ...launchPlan, python: options.python ?? "python3" });
    throw new Error(
      `${name}: launcher none: the run is prepared in ${dir} (plan.json, ids.bin, labels.bin: ${examples.length} samples, ${totalSteps} steps${resume !== undefined ? `, resuming from ${resume}` : ""}) and nothing was started. ` +
        `On the training machine (Python with torch and numpy; it must see ${setup.init} and ${checkpoints}${options.nnodes > 1 ? "; each machine with its own --node_rank" : ""}) run\n  ${command}\n` +
        `then run this manifest again: it goes on from the checkpoints that command wrote.`,
    );
  }

  const { launcher, why } = await chooseLauncher(setup);
  logger.info(
    `launcher: ${launcher} (${why}); ${world} process${world > 1 ? "es" : ""} on ${options.device} (${plan.distributedBackend}), ${threadsPerProcess} thread${threadsPerProcess > 1 ? "s" : ""} each, ` +
      `python ${setup.python.executable} with torch ${setup.python.torch}; ${examples.length} samples, ${totalSteps} steps, batch ${options.batchSize} in micro-batches of ${micro === "auto" ? "a size the memory estimate picks" : micro}, precision ${options.precision}, gradient checkpointing ${gradientCheckpointing ? "on" : "off"}, ` +
      `ε from ${fixed ? "the mapper" : online ? "the online estimator" : `nowhere: 0${loss.kind === "label-smoothing" ? " (plain SFT)" : ""}`}, loss ${loss.kind} (${loss.aggregation})`,
    { launcher, world },
  );
  if (signal.aborted) return;

  const queue = createEventQueue<ScriptLine>();
  let scriptError: string | undefined;
  const running = await launch(
    { ...launchPlan, python: setup.python.command },
    launcher,
    (line) => {
      if (!line.startsWith("{")) return logger.debug(`script: ${line}`);
      try {
        const parsed = JSON.parse(line) as ScriptLine;
        // kept at once: the exit handler that builds the error may run before the queue is drained
        if (parsed.type === "error") scriptError = parsed.message;
        queue.push(parsed);
      } catch {
        logger.debug(`script: ${line}`);
      }
    },
  );
  let stopping = false;
  const onAbort = () => {
    stopping = true;
    running.stop(options.graceSeconds * 1000);
  };
  signal.addEventListener("abort", onAbort, { once: true });
  void running.exited.then(({ failed }) => {
    if (failed === undefined || stopping) return queue.end();
    const how = failed.signal !== null ? `was killed by ${failed.signal}` : `exited with code ${failed.code}`;
    const detail = scriptError ?? (failed.stderr.length > 0 ? `its last stderr lines:\n${failed.stderr.join("\n")}` : "no output on stderr");
    queue.end(new Error(`${name}: ${failed.what} (${launcher}) ${how}: ${detail}`));
  });
  if (signal.aborted) onAbort();

  let last: { step: number; path: string } | undefined;
  try {
    for await (const line of queue.drain()) {
      switch (line.type) {
        case "log":
          logger[line.level](line.message);
          break;
        case "ready":
          logger.info(`${line.world} process${line.world > 1 ? "es" : ""} ready (torch ${line.torch}, ${line.device}, ${line.precision}, ${line.family}): ${line.trainable} trainable of ${line.parameters} parameters, from step ${line.step}`);
          break;
        case "nll": {
          // the estimator sees the batch's samples one at a time in batch order, as trainer-tfjs feeds it
          const estimator = online as NonNullable<typeof online>;
          const epsilon = line.nll.map((nll) => estimator.next([nll])[0] as number);
          running.send(JSON.stringify({ step: line.step, epsilon, state: estimator.state() }));
          break;
        }
        case "step":
          yield {
            type: "train.step",
            step: line.step,
            epoch: line.epoch,
            loss: line.loss ?? Number.NaN,
            lr: line.lr,
            tokensPerSecond: line.tokensPerSecond,
            epsilon: line.epsilon,
            ...(line.skipped ? { skipped: true } : {}),
          };
          if (line.skipped) logger.warn(`step ${line.step}: the loss or the gradient norm is not finite; the update is skipped (the run stops at ${options.nanPatience} in a row)`);
          break;
        case "checkpoint":
          last = { step: line.step, path: line.path };
          yield { type: "checkpoint", step: line.step, path: line.path };
          break;
        case "stopped":
          logger.info(`the processes stopped after step ${line.step}${last !== undefined ? `; the last checkpoint is ${last.path}` : ""}`);
          break;
        case "done":
          break;
        case "error":
          break;
      }
    }
  } finally {
    signal.removeEventListener("abort", onAbort);
    // the consumer stopped early or something threw: no process outlives the run
    if (!stopping) running.stop(options.graceSeconds * 1000);
    await running.exited;
  }
  if (signal.aborted) return;
  if (scriptError !== undefined) throw new Error(`${name}: ${scriptError}`);
}
