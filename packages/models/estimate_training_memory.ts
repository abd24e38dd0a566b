import { type Gpt2Config, gpt2ParameterCount, resolveGpt2Config } from "./gpt2_config.ts";

/** What one training micro-batch needs, in bytes (float32). */
export interface TrainingMemoryEstimate {
  /** Weights, gradients, AdamW's two moments and transient copies, plus a fixed 64 MiB. */
  parameters: number;
  /** Activations the forward pass keeps for the backward pass (tfjs keeps them until it ends). */
  activations: number;
  /** The logits and the loss's transient [B,T,V] buffers. */
  logits: number;
  /** The sum. */
  total: number;
}

/**
 * An estimate of the memory one training step of a GPT-2-family model holds at its peak, for
 * `batch` sequences of `time` tokens — used to split batches into micro-batches that fit the wasm
 * heap (bounded at 4 GiB) before the backend would abort.
 *
 * The coefficients are calibrated against the wasm heap measured after two training steps of
 * this package's model (tfjs-backend-wasm 4.22.0; V 8192/d 256/6 layers/ctx 256 at batch 1, 4, 8
 * and V 259/d 128/4 layers at ctx 128 and 384): per block ≈ 80 [B·T, d] and 8 [B, H, T, T]
 * float32 buffers (what the forward pass keeps for the backward pass plus the backward pass's
 * temporaries, and the allocator's slack), 5 [B·T, V] buffers for the logits and the loss,
 * 6 copies of the parameters (weights, gradients, their sum, 2 AdamW moments, one transient) and
 * 64 MiB for the rest. It came within −20%…+0% of the measured heaps.
 *
 * @example
 * ```ts
 * import { estimateTrainingMemory, GPT2_PRESETS } from "@ual/models";
 *
 * const { total } = estimateTrainingMemory({ ...GPT2_PRESETS.small, vocabSize: 8192 }, 8, 256); // ≈ 2.4 GB
 * ```
 */
export function estimateTrainingMemory(config: Gpt2Config, batch: number, time: number): TrainingMemoryEstimate {
  const c = resolveGpt2Config(config);
  const tokens = batch * time;
  const perBlock = 80 * tokens * c.dModel + 8 * batch * c.heads * time * time;
  const activations = 4 * (c.layers * perBlock + 4 * tokens * c.dModel);
  const logits = 4 * 5 * tokens * c.vocabSize;
  const parameters = 4 * 6 * gpt2ParameterCount(c) + 64 * 1024 ** 2;
  return { parameters, activations, logits, total: parameters + activations + logits };
}
