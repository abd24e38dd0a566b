import { z } from "@ual/core";
import { loraOptionField, optimizationOptionFields, renderingOptionFields } from "@ual/training-data";

const positiveInt = z.number().int().positive();

/** A model: a preset name, or a preset with fields overridden, or every field given. */
const model = z.union([
  z.enum(["tiny", "small", "gpt2"]),
  z.strictObject({
    /** Start from this preset (default `tiny`); the fields below override it. */
    preset: z.enum(["tiny", "small", "gpt2"]).default("tiny"),
    /** Default: the tokenizer's vocabulary size. Larger values pad the logits (they count in V, spec §3.1). */
    vocabSize: positiveInt.optional(),
    contextLength: positiveInt.optional(),
    dModel: positiveInt.optional(),
    layers: positiveInt.optional(),
    heads: positiveInt.optional(),
    layerNormEpsilon: z.number().positive().optional(),
    initStd: z.number().positive().optional(),
  }),
]);

/**
 * The `with:` block of `@ual/trainer-tfjs`. Every default is the project's (spec §9); the
 * reference code's behaviour is available by name where it differs.
 *
 * @example
 * ```ts
 * import { trainerOptions } from "@ual/trainer-tfjs";
 *
 * const options = trainerOptions.parse({ model: "tiny", maxSteps: 100 }); // every other field defaulted
 * options.lr; // 0.0003
 * ```
 */
export const trainerOptions = z.strictObject({
  /** `auto` (default): tfjs-node-gpu, else tfjs-node, else wasm. `cpu` (pure JS) only when asked. */
  backend: z.enum(["auto", "tensorflow-gpu", "tensorflow", "wasm", "cpu"]).default("auto"),
  /** A preset (`tiny` default: d 128, 4 layers, 4 heads, ctx 128; `small`: d 256, 6, 8, ctx 256; `gpt2`) or fields. */
  model: model.default("tiny"),
  ...renderingOptionFields,
  /** Samples per optimizer step (default 8). */
  batchSize: positiveInt.default(8),
  /**
   * Samples per forward/backward pass; gradients of a batch's micro-batches are summed, which
   * gives the large batch's update. `auto` (default): the whole batch on native backends; on wasm
   * as many as fit the memory budget (`memoryBudgetMb`).
   */
  microBatchSize: z.union([z.literal("auto"), positiveInt]).default("auto"),
  /**
   * Threads that each compute a share of every batch (data parallel; tfjs-backend-wasm is
   * single-threaded under Node, so this is how wasm training uses more cores). Default 1, which
   * keeps results bit-identical across machines; `auto`: one per core, but only as many as whose
   * copies of the model (each thread holds one, a LoRA run's frozen base included) fit the memory
   * available when training starts. Works with `init` and `lora`. The sum of the shares'
   * gradients is the batch's (up to float summation order). Not with an online estimator or a
   * manifest loss stage, and not on native backends (they are multi-threaded already).
   */
  threads: z.union([z.literal("auto"), positiveInt]).default(1),
  /** wasm only: the heap `auto` may plan for per micro-batch (default 3072 MiB of the 4 GiB heap). */
  memoryBudgetMb: positiveInt.default(3072),
  /** Passes over the data (default 1); ignored when `maxSteps` is set. */
  epochs: positiveInt.default(1),
  /**
   * Optimizer steps to run; overrides `epochs`. 0 evaluates the `init` model as it is (no
   * training, no checkpoint written: the evaluators get the init folder), e.g. the `base` arm of
   * a matrix that measures what fine-tuning changed.
   */
  maxSteps: z.number().int().min(0).optional(),
  ...optimizationOptionFields,
  /**
   * A local Hugging Face model folder to fine-tune (GPT-2 or Llama/Mistral/Qwen2; relative to the
   * manifest). Its config replaces `model`, and its tokenizer.json is used when `tokenizer` is `byte`.
   */
  init: z.string().min(1).optional(),
  ...loraOptionField,
}).refine((o) => o.maxSteps !== 0 || o.init !== undefined, {
  path: ["maxSteps"],
  message: "0 (evaluate without training) needs `init`: the model folder to evaluate",
});

/** The options after defaults. */
export type TrainerOptions = z.output<typeof trainerOptions>;
