import { z } from "@ual/core";
import { GPT2_LORA_TARGETS, LORA_TARGETS } from "@ual/models";

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
  /** `byte` (default, built in) or the path of a Hugging Face tokenizer.json (relative to the manifest). */
  tokenizer: z.string().min(1).default("byte"),
  /**
   * How a dialogue becomes text. `auto` (default): the `init` model's own chat_template when its
   * tokenizer_config.json has one (a chat model keeps its format), else `ual` (spec §5.4's double
   * newline, as for base models and models built from scratch); `model`: the chat_template, or an
   * error; `reference-single`; or a template with `{user}`.
   */
  template: z.string().min(1).default("auto"),
  /** true (default): no loss on prompt tokens. false: the reference's loss on every token. */
  maskPrompt: z.boolean().default(true),
  /** Tokens per sample after truncation; default the model's context length. */
  maxLength: positiveInt.optional(),
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
  /** Peak learning rate (default 3e-4, the reference's). */
  lr: z.number().positive().default(3e-4),
  /** `constant` (default: warmup then constant), `cosine`, or `reference` (spec §5.3's ramp). */
  schedule: z.enum(["constant", "cosine", "reference"]).default("constant"),
  /** Share of the optimizer steps spent in linear warmup (default 0.1; `reference` ignores it). */
  warmup: z.number().min(0).max(1).default(0.1),
  /** AdamW decoupled weight decay (default 0, spec §9; 0.01 reproduces the reference). */
  weightDecay: z.number().min(0).default(0),
  /** AdamW β1, β2 (default 0.9, 0.999) and ε (default 1e-8), as PyTorch. */
  betas: z.tuple([z.number().min(0).lt(1), z.number().min(0).lt(1)]).default([0.9, 0.999]),
  adamEpsilon: z.number().positive().default(1e-8),
  /** Global gradient-norm limit (default 1.0); `null` turns clipping off (the reference has none). */
  gradClip: z.number().positive().nullable().default(1),
  /** `epoch-shuffle` (default: a seeded permutation per epoch) or `with-replacement` (the reference). */
  sampling: z.enum(["epoch-shuffle", "with-replacement"]).default("epoch-shuffle"),
  /**
   * Put samples of similar length in the same batch to cut padding (epoch-shuffle only). Default
   * false: where length goes with the kind of task (a mixed set), length-sorted batches each hold
   * one kind, and the gradient swings from batch to batch; on the testbed this kept a tiny model
   * from learning its copy tasks at all (held-out exact match 0.05 with it, 0.83 without, same steps).
   */
  groupByLength: z.boolean().default(false),
  /** Seeds the weights and the sampling; default the run's seed. */
  seed: z.number().int().optional(),
  /** Write a checkpoint every N optimizer steps (default 100) and always at the end. */
  checkpointEvery: positiveInt.default(100),
  /** The loss's smoothing convention (default `reference`, spec §3.1); a manifest loss stage overrides it. */
  convention: z.enum(["reference", "uniform"]).default("reference"),
  /** The loss's per-sample denominator (default `targets`, spec §3.2); a manifest loss stage overrides it. */
  denominator: z.enum(["targets", "reference"]).default("targets"),
  /** Stop after this many non-finite steps in a row (default 5); each is skipped and reported. */
  nanPatience: positiveInt.default(5),
  /**
   * A local Hugging Face model folder to fine-tune (GPT-2 or Llama/Mistral/Qwen2; relative to the
   * manifest). Its config replaces `model`, and its tokenizer.json is used when `tokenizer` is `byte`.
   */
  init: z.string().min(1).optional(),
  /**
   * LoRA on the `init` model (spec §5.2): the base weights are frozen and only the adapters are
   * trained and checkpointed, as PEFT's `adapter_model.safetensors` + `adapter_config.json`.
   * Defaults r 8, alpha 16, dropout 0.1; targets by the model's family, as PEFT's: q_proj and
   * v_proj (Llama, Mistral, Qwen2), c_attn (GPT-2, whose q, k and v are one fused layer).
   */
  lora: z
    .strictObject({
      r: positiveInt.default(8),
      alpha: z.number().positive().default(16),
      dropout: z.number().min(0).lt(1).default(0.1),
      /** Layer names of the `init` model's family (checked against it when the model is loaded). */
      targets: z.array(z.enum([...LORA_TARGETS, ...GPT2_LORA_TARGETS])).min(1).optional(),
    })
    .optional(),
}).refine((o) => o.maxSteps !== 0 || o.init !== undefined, {
  path: ["maxSteps"],
  message: "0 (evaluate without training) needs `init`: the model folder to evaluate",
});

/** The options after defaults. */
export type TrainerOptions = z.output<typeof trainerOptions>;
