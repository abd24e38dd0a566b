import { join } from "node:path";
import { availableParallelism, freemem } from "node:os";
import * as tf from "@tensorflow/tfjs-core";
import type { CallOptions, EventDraft, JsonObject, Logger, Loss, OnlineEstimator, TrainInput } from "@ual/core";
import { type ChatFormat, chatFormatName, type Gpt2Config, type LoraOptions, type Tokenizer } from "@ual/models";
import { type BackendChoice, clipGradNorm, createAdamW, learningRateAt, LOSS_KINDS, setBlasThreads } from "@ual/nn";
import { loadCheckpoint, newestCheckpoint, readTrainerState, removeStaleTemporaries, type TrainerState, writeCheckpoint } from "./_checkpoint.ts";
import { createBatchSchedule, type Example, fingerprintExamples, readTrainingExamples } from "@ual/training-data";
import { planMicroBatch } from "./_micro_batch.ts";
import { planThreads } from "./_thread_plan.ts";
import { setUpModel } from "./_model_setup.ts";
import { addGradients, type Part, partGradients } from "./_part_gradients.ts";
import { type Replicas, startReplicas } from "./_replicas.ts";
import type { TrainerOptions } from "./options.ts";

/** What `create` resolved before training starts. */
export interface TrainSetup {
  name: string;
  options: TrainerOptions;
  logger: Logger;
  runDir: string;
  backend: string;
  tokenizer: Tokenizer;
  /** The tokenizer.json to copy into checkpoints, when not the byte tokenizer. */
  tokenizerFile?: string;
  config: Required<Gpt2Config>;
  seed: number;
  maxLength: number;
  /** How samples become text: the `template` option resolved (a `{user}` template or the init model's chat_template). */
  chatFormat: ChatFormat;
  /** A Hugging Face model folder to start from (the `init` option, resolved). */
  init?: string;
  /** The `init` model's parameter count (the memory plan's weights). */
  initParameters?: number;
  /** LoRA adapters on the `init` model (the `lora` option). */
  lora?: LoraOptions;
}

/** Pads a micro-batch to its longest sample (dynamic padding): ids with PAD, labels with −1. */
function collate(part: readonly Example[], pad: number, offset: number): Part {
  const time = Math.max(...part.map((e) => e.inputIds.length));
  const ids = new Int32Array(part.length * time).fill(pad);
  const labels = new Int32Array(part.length * time).fill(-1);
  const mask = new Uint8Array(part.length * time);
  let tokens = 0;
  part.forEach((e, b) => {
    ids.set(e.inputIds, b * time);
    labels.set(e.labels, b * time);
    mask.fill(1, b * time, b * time + e.inputIds.length);
    tokens += e.inputIds.length;
  });
  return { ids, labels, mask, batch: part.length, time, tokens, offset };
}

function stats(values: readonly number[]): { mean: number; min: number; max: number } {
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    sum += v;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  return { mean: sum / values.length, min, max };
}

function hfConfig(setup: TrainSetup): JsonObject {
  const { config, tokenizer, options, maxLength } = setup;
  return {
    model_type: "gpt2",
    architectures: ["GPT2LMHeadModel"],
    vocab_size: config.vocabSize,
    n_positions: config.contextLength,
    n_embd: config.dModel,
    n_layer: config.layers,
    n_head: config.heads,
    activation_function: "gelu_new",
    layer_norm_epsilon: config.layerNormEpsilon,
    initializer_range: config.initStd,
    tie_word_embeddings: true,
    bos_token_id: tokenizer.bos,
    eos_token_id: tokenizer.eos,
    pad_token_id: tokenizer.pad,
    ual: {
      trainer: setup.name,
      tokenizer: setup.tokenizerFile !== undefined ? "tokenizer.json" : "byte",
      template: chatFormatName(setup.chatFormat),
      // the checkpoint then prompts as it was trained without its base folder's tokenizer_config.json
      ...(setup.chatFormat.kind === "hf"
        ? { chatTemplate: { chatTemplate: setup.chatFormat.chatTemplate, bosToken: setup.chatFormat.bosToken, eosToken: setup.chatFormat.eosToken } }
        : {}),
      maskPrompt: options.maskPrompt,
      maxLength,
    },
  };
}

/**
 * The weights' bytes in one thread's memory plan, when known better than the estimate's default
 * (six copies of a GPT-2 of the planning shape): a pretrained model's own parameter count, with
 * gradients and AdamW's two moments when fully trained, or alone when LoRA freezes it (the
 * adapters' share is in the fixed 64 MiB).
 */
function parameterBytes(setup: TrainSetup): { parameterBytes?: number } {
  if (setup.initParameters === undefined) return {};
  const copies = setup.lora === undefined ? 6 : 1;
  return { parameterBytes: 4 * copies * setup.initParameters + 64 * 1024 ** 2 };
}

/** Memory the run may still take: the system's available memory, or less under a cgroup limit. */
function availableMemoryBytes(): number {
  const free = freemem();
  const limit = process.constrainedMemory?.() ?? 0;
  return limit > 0 ? Math.min(free, limit - process.memoryUsage.rss()) : free;
}

/**
 * The training loop (not `model.fit`): reads and tokenizes the data, resumes from the newest
 * checkpoint, then per optimizer step: a batch from the schedule, split into micro-batches whose
 * gradients are summed (each sample weighted 1/batch, so the sum is the batch mean's gradient),
 * ε per sample from the mapper, the online estimator or 0, clipping, AdamW, `train.step` events,
 * and checkpoints.
 */
export async function* trainLoop(setup: TrainSetup, input: TrainInput, call: CallOptions): AsyncGenerator<EventDraft> {
  const { options, logger, tokenizer, config, name } = setup;
  const { signal } = call;
  if (options.maxSteps === 0 && setup.init !== undefined) {
    // The base arm of an experiment: the evaluators measure the init model itself.
    logger.info(`maxSteps 0: no training; the evaluators get ${setup.init} as it is`);
    yield { type: "checkpoint", step: 0, path: setup.init };
    return;
  }

  const examples = await readTrainingExamples(input.samples({ signal }), tokenizer, { template: setup.chatFormat, maskPrompt: options.maskPrompt, maxLength: setup.maxLength }, call, { logger, name });

  // ε per sample: the mapper's by id, the online estimator's during the step, or 0 (plain SFT).
  const online = input.online;
  let fixed: Float64Array | undefined;
  if (input.smoothing !== undefined) {
    fixed = new Float64Array(examples.length);
    examples.forEach((e, i) => {
      const eps = input.smoothing?.get(e.id);
      if (eps === undefined) {
        throw new Error(`${name}: sample "${e.id}" has no smoothing value from the mapper; every training sample needs one (was the data changed between the scoring and the training pass?)`);
      }
      (fixed as Float64Array)[i] = eps;
    });
  }
  const nllShift = online?.shift === "reference" ? "reference" : "next-token";
  // A manifest loss stage: how it weighs a batch's samples, whether it needs the base model's
  // logits, and whether its spec is one @ual/nn rebuilds (then worker threads can run it too).
  const stage = input.loss;
  const lossSpec = stage?.spec?.();
  const aggregation = stage?.aggregation ?? "sample-mean";
  const needsBase = stage?.needsBaseLogits === true;
  const rebuildable = lossSpec !== undefined && (LOSS_KINDS as readonly string[]).includes(lossSpec.kind);
  if (stage !== undefined) {
    logger.info(
      `loss: the manifest's loss stage${lossSpec !== undefined ? ` (${lossSpec.kind} ${JSON.stringify(lossSpec.options)})` : ""}, ${aggregation}` +
        `${needsBase ? `, anchored to the base model (${setup.lora !== undefined ? "the adapters off" : "a frozen copy"}, one more forward pass without gradient)` : ""}` +
        ` (the trainer's convention/denominator options are not used)`,
    );
  }
  // each sample's number of targets (labels at t ≥ 1 predicted from t − 1), for token-mean weights
  const targetCounts = examples.map((e) => {
    let n = 0;
    for (let t = 1; t < e.labels.length; t++) if (e.labels[t] !== -1) n++;
    return n;
  });

  const schedule = createBatchSchedule(
    examples.map((e) => e.inputIds.length),
    { mode: options.sampling, batchSize: options.batchSize, seed: setup.seed + 1, groupByLength: options.groupByLength },
  );
  const totalSteps = options.maxSteps ?? options.epochs * schedule.stepsPerEpoch;
  const warmupSteps = Math.ceil(options.warmup * totalSteps);
  // the reference's ramp counts samples drawn (N·E micro-iterations, spec §5.3)
  const totalSamples = options.maxSteps !== undefined ? options.maxSteps * options.batchSize : options.epochs * examples.length;
  let threads = options.threads === "auto" ? Math.min(availableParallelism(), options.batchSize) : Math.min(options.threads, options.batchSize);
  if (threads > 1 && (online !== undefined || (stage !== undefined && !rebuildable))) {
    logger.info(`threads: 1 (${online !== undefined ? "an online estimator needs every NLL of the batch in order" : "a manifest loss stage without a spec @ual/nn knows runs on the main thread"})`);
    threads = 1;
  }
  if (threads > 1 && setup.backend !== "wasm" && setup.backend !== "cpu") {
    logger.info(`threads: 1 (the ${setup.backend} backend uses every core itself)`);
    threads = 1;
  }
  const planMicro = (shareSize: number) =>
    planMicroBatch({
      requested: options.microBatchSize,
      batchSize: shareSize,
      config,
      maxLength: setup.maxLength,
      backend: setup.backend,
      budgetBytes: options.memoryBudgetMb * 1024 ** 2,
      ...parameterBytes(setup),
    });
  if (threads > 1) {
    // every thread holds a whole model (a pretrained base is loaded again by each): threads only
    // while their copies fit the memory the system has free
    const plan = planThreads({
      requested: options.threads,
      limit: threads,
      availableBytes: availableMemoryBytes(),
      bytesPerThread: (t) => planMicro(Math.ceil(options.batchSize / t)).estimateBytes,
    });
    if (plan.note !== undefined && plan.warn) logger.warn(plan.note);
    else if (plan.note !== undefined) logger.info(plan.note);
    threads = plan.threads;
  }
  // Native matmuls: the cores are shared between the data-parallel threads, not multiplied by them.
  if (setBlasThreads(Math.max(1, Math.floor(availableParallelism() / threads)))) {
    logger.info(`native BLAS threads: ${Math.max(1, Math.floor(availableParallelism() / threads))} per training thread`);
  }
  let replicas: Replicas | undefined;
  const micro = planMicro(Math.ceil(options.batchSize / threads));
  if (micro.warning) logger.warn(micro.warning);
  logger.info(
    `training ${examples.length} samples for ${totalSteps} steps (${schedule.stepsPerEpoch} per epoch), batch ${options.batchSize} in micro-batches of ${micro.size}${threads > 1 ? ` on ${threads} threads` : ""} ` +
      `(~${(micro.estimateBytes / 1024 ** 2).toFixed(0)} MiB each), lr ${options.lr} ${options.schedule}${options.schedule === "reference" ? "" : ` with ${warmupSteps} warmup steps`}, ` +
      `ε from ${fixed ? "the mapper" : online ? `the online estimator (${nllShift} NLL)` : "nowhere: 0 (plain SFT)"}`,
  );

  const model = await setUpModel({ name, config, seed: setup.seed, init: setup.init, lora: setup.lora, gpt2HfConfig: hfConfig(setup), needsBase });
  // with LoRA only the adapters are here: the frozen base weights get no gradient and no AdamW state
  const variables = [...model.trainable.values()];
  const hfName = new Map<string, string>();
  for (const [hf, v] of model.trainable) hfName.set(v.name, hf);
  const adam = createAdamW(model.trainable, {
    beta1: options.betas[0],
    beta2: options.betas[1],
    epsilon: options.adamEpsilon,
    weightDecay: options.weightDecay,
  });
  const fingerprint = {
    data: fingerprintExamples(examples),
    options: JSON.stringify({ ...options, seed: setup.seed, maxSteps: undefined, epochs: undefined, checkpointEvery: undefined, nanPatience: undefined, backend: undefined }),
  };

  const root = join(setup.runDir, "checkpoints");
  let step = 0;
  let nanStreak = 0;
  try {
    await removeStaleTemporaries(root);
    const found = await newestCheckpoint(root);
    if (found !== undefined) {
      const state = await readTrainerState(found);
      if (state.fingerprint.data !== fingerprint.data) {
        throw new Error(`${name}: ${found} was trained on other data (${state.fingerprint.data} samples:hash, now ${fingerprint.data}); it cannot be resumed`);
      }
      if (state.fingerprint.options !== fingerprint.options) {
        throw new Error(`${name}: ${found} was written with other training options; it cannot be resumed with these`);
      }
      await loadCheckpoint(found, model, adam, state.adamStep);
      schedule.restore(state.cursor);
      if (online !== undefined && state.estimator !== null) online.restore(state.estimator);
      step = state.step;
      nanStreak = state.nanStreak;
      logger.info(`resuming from ${found}: step ${step} of ${totalSteps}`);
      if (step >= totalSteps) {
        yield { type: "checkpoint", step, path: found };
        return;
      }
    }

    const save = async (): Promise<string> => {
      const state: TrainerState = {
        format: "ual-trainer-tfjs/1",
        step,
        totalSteps,
        cursor: schedule.cursor(),
        adamStep: adam.step,
        nanStreak,
        estimator: online !== undefined ? online.state() : null,
        fingerprint,
      };
      const checkpointConfig = setup.init === undefined ? hfConfig(setup) : { ...model.hfConfig, ual: hfConfig(setup).ual ?? null };
      return writeCheckpoint(root, { model, optimizer: adam, state, config: checkpointConfig, ...(setup.tokenizerFile ? { tokenizerFile: setup.tokenizerFile } : {}) });
    };

    let weightsChanged = true;
    if (threads > 1) {
      replicas = await startReplicas(
        threads - 1,
        { name, config, seed: setup.seed, ...(setup.init !== undefined ? { init: setup.init } : {}), ...(setup.lora !== undefined ? { lora: setup.lora } : {}), needsBase },
        setup.backend as BackendChoice,
        stage !== undefined ? lossSpec : undefined,
      );
      logger.info(`data parallel: ${threads} threads (the main thread and ${threads - 1} worker${threads > 2 ? "s" : ""}), each with its own wasm heap`);
    }
    while (step < totalSteps) {
      if (signal.aborted) return;
      const started = performance.now();
      const { indices, epoch } = schedule.next();
      step++;
      const batch = indices.map((i) => ({ example: examples[i] as Example, index: i }));
      const weight = 1 / batch.length;
      // token-mean: each sample weighs its share of the batch's targets, so that the sum over
      // micro-batches and threads is the mean over every target token of the batch
      const batchTargets = batch.reduce((sum, p) => sum + (targetCounts[p.index] as number), 0);
      const weightsOf = (items: typeof batch): number[] | undefined =>
        stage === undefined || aggregation === "sample-mean" ? undefined : items.map((p) => (batchTargets > 0 ? (targetCounts[p.index] as number) / batchTargets : 0));
      let loss = 0;
      let tokens = 0;
      const epsilons: number[] = [];
      // ε: fixed per sample, or from the estimator, fed one sample at a time in batch order
      // (the reference's micro-batch-1 semantics, spec §4.2), so that the micro-batch split
      // never changes a value.
      const fixedOf = (items: typeof batch) => items.map((p) => (fixed !== undefined ? ((fixed as Float64Array)[p.index] as number) : 0));
      const onlineOf = (meanNll: Float64Array): number[] => Array.from(meanNll, (nll) => (online as OnlineEstimator).next([nll])[0] as number);
      // `offset`: the share's first position in the batch (per-sample seeds, see beginPass)
      const partsOf = (items: typeof batch, offset: number) => {
        const out: Array<{ part: Part; items: typeof batch }> = [];
        for (let start = 0; start < items.length; start += micro.size) {
          const chunk = items.slice(start, start + micro.size);
          out.push({ part: collate(chunk.map((p) => p.example), tokenizer.pad, offset + start), items: chunk });
        }
        return out;
      };
      // shares: the main thread takes the first, each replica one of the others (data parallel)
      const shareSize = Math.ceil(batch.length / threads);
      const shares = Array.from({ length: threads }, (_, r) => batch.slice(r * shareSize, (r + 1) * shareSize));
      const lossOptions = { convention: options.convention, denominator: options.denominator };
      const pending = replicas?.step(
        step,
        weightsChanged ? variables.map((v) => v.dataSync() as Float32Array) : null,
        shares.slice(1).map((share, r) =>
          partsOf(share, (r + 1) * shareSize).map(({ part, items }) => {
            const weights = weightsOf(items);
            return { part, epsilon: fixedOf(items), ...(weights !== undefined ? { weights } : {}) };
          }),
        ),
        weight,
        lossOptions,
      );
      weightsChanged = false;
      let grads: tf.NamedTensorMap | undefined;
      for (const { part, items } of partsOf(shares[0] ?? [], 0)) {
        tokens += part.tokens;
        model.beginPass(step, part.offset, part.batch);
        const r = partGradients(
          model,
          variables,
          part,
          (nll) => (online !== undefined ? onlineOf(nll) : fixedOf(items)),
          { ...lossOptions, nllShift, sampleWeight: weightsOf(items) ?? weight, needsNll: online !== undefined },
          stage !== undefined ? (logits, labels, eps, base) => (stage as Loss).perSample(logits, labels, eps, base !== undefined ? { baseLogits: base } : undefined) as tf.Tensor1D : undefined,
          stage !== undefined && needsBase ? (ids, mask) => model.baseLogits(ids, mask) : undefined,
        );
        loss += r.loss;
        epsilons.push(...r.epsilon);
        grads = addGradients(grads, r.grads);
      }
      if (pending !== undefined) {
        const answers = await pending;
        answers.forEach((answer, r) => {
          loss += answer.loss;
          epsilons.push(...answer.epsilon);
          for (const item of shares[r + 1] ?? []) tokens += item.example.inputIds.length;
          const received: tf.NamedTensorMap = {};
          variables.forEach((v, i) => {
            received[v.name] = tf.tensor(answer.grads[i] as Float32Array, v.shape);
          });
          grads = addGradients(grads, received);
        });
      }
      const lr = learningRateAt(step - 1, { schedule: options.schedule, peak: options.lr, totalSteps, warmupSteps, batchSize: options.batchSize, totalSamples });
      const byName: tf.NamedTensorMap = {};
      for (const [key, g] of Object.entries(grads ?? {})) byName[hfName.get(key) as string] = g;
      const clipped = clipGradNorm(byName, options.gradClip ?? Number.POSITIVE_INFINITY);
      tf.dispose(grads ?? {});
      const finite = Number.isFinite(loss) && Number.isFinite(clipped.norm);
      if (finite) {
        adam.update(clipped.grads, lr);
        weightsChanged = true;
        nanStreak = 0;
      } else nanStreak++;
      tf.dispose(clipped.grads);
      const seconds = (performance.now() - started) / 1000;
      yield {
        type: "train.step",
        step,
        epoch: epoch + 1,
        loss,
        lr,
        tokensPerSecond: tokens / seconds,
        epsilon: stats(epsilons),
        ...(finite ? {} : { skipped: true }),
      };
      if (!finite) {
        const what = Number.isFinite(loss) ? `the gradient norm is ${clipped.norm}` : `the loss is ${loss}`;
        logger.warn(`step ${step}: ${what}; the update is skipped (${nanStreak} in a row; the run stops at ${options.nanPatience})`);
        if (nanStreak >= options.nanPatience) {
          throw new Error(
            `${name}: ${nanStreak} steps in a row had a non-finite loss or gradient (the last at step ${step}); training stops. ` +
              `Lower lr, keep gradClip on, or look for broken samples in those batches.`,
          );
        }
      }
      if (step % options.checkpointEvery === 0 || step === totalSteps) {
        const path = await save();
        yield { type: "checkpoint", step, path };
      }
    }
  } finally {
    await replicas?.close();
    adam.dispose();
    model.dispose();
  }
}

