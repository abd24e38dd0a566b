import { z } from "@ual/core";
import { GPT2_LORA_TARGETS, LORA_TARGETS } from "@ual/models";

const positiveInt = z.number().int().positive();

/**
 * The `with:` fields every trainer plugin shares (names, defaults and checks; spec §9), so that
 * switching between `@ual/trainer-tfjs` and `@ual/trainer-torch` is one `use:` line. Spread into
 * a trainer's `z.strictObject` in this order: `renderingOptionFields`, the trainer's batch and
 * step fields, `optimizationOptionFields`, then `init` and `loraOptionField`.
 */
export const renderingOptionFields = {
  /** `byte` (default: the init folder's tokenizer.json when it has one) or the path of a Hugging Face tokenizer.json (relative to the manifest). */
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
};

/** The optimizer, sampling, checkpoint and loss fields every trainer shares (see {@linkcode renderingOptionFields}). */
export const optimizationOptionFields = {
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
  /** Seeds the weights (LoRA's initialisation), the dropout masks and the sampling; default the run's seed. */
  seed: z.number().int().optional(),
  /** Write a checkpoint every N optimizer steps (default 100) and always at the end. */
  checkpointEvery: positiveInt.default(100),
  /** The loss's smoothing convention (default `reference`, spec §3.1). */
  convention: z.enum(["reference", "uniform"]).default("reference"),
  /** The loss's per-sample denominator (default `targets`, spec §3.2). */
  denominator: z.enum(["targets", "reference"]).default("targets"),
  /** Stop after this many non-finite steps in a row (default 5); each is skipped and reported. */
  nanPatience: positiveInt.default(5),
};

/** `lora`, the same in every trainer (see {@linkcode renderingOptionFields}). */
export const loraOptionField = {
  /**
   * LoRA on the `init` model (spec §5.2): the base weights are frozen and only the adapters are
   * trained and checkpointed, as PEFT's `adapter_model.safetensors` + `adapter_config.json`.
   * Defaults r 8, alpha 16, dropout 0.1; targets by the model's family, as PEFT's: q_proj and
   * v_proj (Llama, Mistral, Qwen2), c_attn (GPT-2, whose q, k and v are one fused layer).
   * Without it every weight is trained.
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
};
