import { z } from "@ual/core";
import { GPT2_LORA_TARGETS, LORA_TARGETS } from "@ual/models";

const positiveInt = z.number().int().positive();

/**
 * The `with:` block of `@ual/trainer-torch`. The training fields are `@ual/trainer-tfjs`'s, with
 * the same names and defaults (spec §9), so that switching trainers is one `use:` line; the
 * fields after `nanPatience` say where and how the PyTorch processes run.
 *
 * @example
 * ```ts
 * import { trainerTorchOptions } from "@ual/trainer-torch";
 *
 * const options = trainerTorchOptions.parse({ init: "./models/tiny-llama", nprocPerNode: 2 });
 * options.launcher; // "auto": torchrun when its probe passes, else the processes started directly
 * ```
 */
export const trainerTorchOptions = z.strictObject({
  /**
   * The local Hugging Face model folder to fine-tune (GPT-2, or Llama/Mistral/Qwen2; relative to
   * the manifest): config.json and model.safetensors (or shards and their index).
   */
  init: z.string().min(1),
  /** `byte` (default: the init folder's tokenizer.json when it has one) or a Hugging Face tokenizer.json. */
  tokenizer: z.string().min(1).default("byte"),
  /** As `@ual/trainer-tfjs`: `auto` (default), `model`, `ual`, `reference-single`, or a template with `{user}`. */
  template: z.string().min(1).default("auto"),
  /** true (default): no loss on prompt tokens. false: the reference's loss on every token. */
  maskPrompt: z.boolean().default(true),
  /** Tokens per sample after truncation; default the model's context length. */
  maxLength: positiveInt.optional(),
  /** Samples per optimizer step, over all processes (default 8). */
  batchSize: positiveInt.default(8),
  /** Samples per forward/backward pass within a process; `auto` (default): the process's whole share. */
  microBatchSize: z.union([z.literal("auto"), positiveInt]).default("auto"),
  /** Passes over the data (default 1); ignored when `maxSteps` is set. */
  epochs: positiveInt.default(1),
  /** Optimizer steps to run; overrides `epochs`. */
  maxSteps: positiveInt.optional(),
  /** Peak learning rate (default 3e-4, the reference's). */
  lr: z.number().positive().default(3e-4),
  /** `constant` (default: warmup then constant), `cosine`, or `reference` (spec §5.3's ramp). */
  schedule: z.enum(["constant", "cosine", "reference"]).default("constant"),
  /** Share of the optimizer steps spent in linear warmup (default 0.1; `reference` ignores it). */
  warmup: z.number().min(0).max(1).default(0.1),
  /** AdamW decoupled weight decay (default 0, spec §9; 0.01 reproduces the reference). */
  weightDecay: z.number().min(0).default(0),
  /** AdamW β1, β2 (default 0.9, 0.999) and ε (default 1e-8). */
  betas: z.tuple([z.number().min(0).lt(1), z.number().min(0).lt(1)]).default([0.9, 0.999]),
  adamEpsilon: z.number().positive().default(1e-8),
  /** Global gradient-norm limit (default 1.0); `null` turns clipping off. */
  gradClip: z.number().positive().nullable().default(1),
  /** `epoch-shuffle` (default) or `with-replacement` (the reference). */
  sampling: z.enum(["epoch-shuffle", "with-replacement"]).default("epoch-shuffle"),
  /** Put samples of similar length in the same batch (epoch-shuffle only; default false, see @ual/trainer-tfjs). */
  groupByLength: z.boolean().default(false),
  /** Seeds the LoRA initialisation, the dropout masks and the sampling; default the run's seed. */
  seed: z.number().int().optional(),
  /** Write a checkpoint every N optimizer steps (default 100) and always at the end. */
  checkpointEvery: positiveInt.default(100),
  /** The loss's smoothing convention (default `reference`, spec §3.1). */
  convention: z.enum(["reference", "uniform"]).default("reference"),
  /** The loss's per-sample denominator (default `targets`, spec §3.2). */
  denominator: z.enum(["targets", "reference"]).default("targets"),
  /** Stop after this many non-finite steps in a row (default 5); each is skipped and reported. */
  nanPatience: positiveInt.default(5),
  /**
   * LoRA on the `init` model (spec §5.2), checkpointed as PEFT's `adapter_model.safetensors` +
   * `adapter_config.json`. Defaults r 8, alpha 16, dropout 0.1; targets q_proj and v_proj
   * (Llama family) or the fused c_attn (GPT-2). Without it every weight is trained.
   */
  lora: z
    .strictObject({
      r: positiveInt.default(8),
      alpha: z.number().positive().default(16),
      dropout: z.number().min(0).lt(1).default(0.1),
      targets: z.array(z.enum([...LORA_TARGETS, ...GPT2_LORA_TARGETS])).min(1).optional(),
    })
    .optional(),
  /** Training processes on this machine (torchrun's `--nproc-per-node`; default 1). */
  nprocPerNode: positiveInt.default(1),
  /** Machines taking part (torchrun's `--nnodes`; default 1). Every machine runs the same manifest. */
  nnodes: positiveInt.default(1),
  /** This machine's index among `nnodes` (default 0; 0 is the one that writes checkpoints and events). */
  nodeRank: z.number().int().min(0).default(0),
  /** `host:port` of node 0's rendezvous (torchrun's `--rdzv-endpoint`); needed when `nnodes` > 1. */
  rdzvEndpoint: z.string().regex(/^[^:\s]+:\d+$/, "expected host:port").optional(),
  /** `cpu` (default; float32) or `cuda` (process i uses GPU `LOCAL_RANK` i). */
  device: z.enum(["cpu", "cuda"]).default("cpu"),
  /** torch.distributed's backend: `auto` (default: NCCL on cuda, gloo on cpu), `gloo` or `nccl`. */
  distributedBackend: z.enum(["auto", "gloo", "nccl"]).default("auto"),
  /**
   * Who starts the processes: `auto` (default) probes `torchrun` (as `python -m
   * torch.distributed.run`) and uses it when it starts, else starts the processes itself with the
   * same env:// rendezvous; `torchrun` or `processes` insist on one.
   */
  launcher: z.enum(["auto", "torchrun", "processes"]).default("auto"),
  /** The Python interpreter with torch; default: `$UAL_TORCH_PYTHON`, else the first of `python3` and `/usr/bin/python3` that imports torch. */
  python: z.string().min(1).optional(),
  /** torch CPU threads per process; `auto` (default): the cores divided among this machine's processes. */
  threadsPerProcess: z.union([z.literal("auto"), positiveInt]).default("auto"),
  /** On Ctrl-C: seconds the processes get to stop at a step boundary after SIGINT before they are killed (default 10). */
  graceSeconds: z.number().positive().default(10),
});

/** The options after defaults. */
export type TrainerTorchOptions = z.output<typeof trainerTorchOptions>;
