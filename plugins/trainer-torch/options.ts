import { z } from "@ual/core";
import { loraOptionField, optimizationOptionFields, renderingOptionFields } from "@ual/training-data";

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
  ...renderingOptionFields,
  /** Samples per optimizer step, over all processes (default 8). */
  batchSize: positiveInt.default(8),
  /**
   * Samples per forward/backward pass within a process; `auto` (default): as many padded tokens as
   * the memory estimate says fit in the device's free memory after the model is loaded (the log
   * says what it chose and why).
   */
  microBatchSize: z.union([z.literal("auto"), positiveInt]).default("auto"),
  /** Passes over the data (default 1); ignored when `maxSteps` is set. */
  epochs: positiveInt.default(1),
  /** Optimizer steps to run; overrides `epochs`. */
  maxSteps: positiveInt.optional(),
  ...optimizationOptionFields,
  ...loraOptionField,
  /** Training processes on this machine (torchrun's `--nproc-per-node`; default 1). */
  nprocPerNode: positiveInt.default(1),
  /** Machines taking part (torchrun's `--nnodes`; default 1). Every machine runs the same manifest. */
  nnodes: positiveInt.default(1),
  /** This machine's index among `nnodes` (default 0; 0 is the one that writes checkpoints and events). */
  nodeRank: z.number().int().min(0).default(0),
  /** `host:port` of node 0's rendezvous (torchrun's `--rdzv-endpoint`); needed when `nnodes` > 1. */
  rdzvEndpoint: z.string().regex(/^[^:\s]+:\d+$/, "expected host:port").optional(),
  /** `cpu` (default) or `cuda` (process i uses GPU `LOCAL_RANK` i). */
  device: z.enum(["cpu", "cuda"]).default("cpu"),
  /**
   * `auto` (default): bf16 on cuda (fp16 on GPUs without bf16), fp32 on the CPU. `bf16`/`fp16`: the
   * frozen base weights stay 16-bit, matmuls run under autocast, LoRA weights (or full
   * fine-tuning's master weights) and AdamW's state stay fp32, the loss's statistics are fp32;
   * `fp16` adds loss scaling and needs cuda.
   */
  precision: z.enum(["auto", "bf16", "fp16", "fp32"]).default("auto"),
  /** Recompute each block's activations in the backward pass (less memory, ~30% more compute); default: on with cuda, off on the CPU. Results are the same. */
  gradientCheckpointing: z.boolean().optional(),
  /** torch.distributed's backend: `auto` (default: NCCL on cuda, gloo on cpu), `gloo` or `nccl`. */
  distributedBackend: z.enum(["auto", "gloo", "nccl"]).default("auto"),
  /**
   * Who starts the processes: `auto` (default) probes `torchrun` (as `python -m
   * torch.distributed.run`) and uses it when it starts, else starts the processes itself with the
   * same env:// rendezvous; `torchrun` or `processes` insist on one. `none` starts nothing: it
   * writes the run (`<run>/torch/plan.json` and its token files) for a training machine without
   * Node — a GPU cluster's nodes — and ends the training stage with an error that gives the command
   * to run there; run the manifest again once that command has finished and it goes on from the
   * checkpoints it wrote. The plan's paths are this machine's (`init`, `checkpointsDir`; relative
   * paths are read from the plan's folder), so the training machine must see them or the plan be
   * edited; `device: cuda` is not checked here, and an online estimator cannot be used.
   */
  launcher: z.enum(["auto", "torchrun", "processes", "none"]).default("auto"),
  /** The Python interpreter with torch; default: `$UAL_TORCH_PYTHON`, else the first of `python3` and `/usr/bin/python3` that imports torch. */
  python: z.string().min(1).optional(),
  /** torch CPU threads per process; `auto` (default): the cores divided among this machine's processes. */
  threadsPerProcess: z.union([z.literal("auto"), positiveInt]).default("auto"),
  /** On Ctrl-C: seconds the processes get to stop at a step boundary after SIGINT before they are killed (default 10). */
  graceSeconds: z.number().positive().default(10),
});

/** The options after defaults. */
export type TrainerTorchOptions = z.output<typeof trainerTorchOptions>;
