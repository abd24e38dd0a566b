import { join } from "node:path";
import { type Tensor2D, type Tensor3D, tidy, type Variable } from "@tensorflow/tfjs-core";
import type { JsonObject } from "@ual/core";
import { fnv1a } from "@ual/nn";
import {
  attachLora,
  createGpt2,
  type Gpt2Config,
  loadGpt2Weights,
  loadHfModel,
  loadHfWeights,
  loadLoraAdapters,
  type LoraAdapters,
  type LoraOptions,
  saveGpt2Weights,
  saveHfModel,
  saveLoraAdapters,
} from "@ual/models";

/** The model the loop trains, whatever it was built from. */
export interface TrainedModel {
  logits(inputIds: Tensor2D, attentionMask?: ArrayLike<number>): Tensor3D;
  /**
   * The base model's logits, for a loss that needs them (ASFT): with LoRA the same weights with
   * the adapters off; fully trained, a frozen copy of the initial weights (made only when
   * `setUpModel` was asked for it). Call it outside a gradient tape.
   */
  baseLogits(inputIds: Tensor2D, attentionMask?: ArrayLike<number>): Tensor3D;
  /** What gets gradients and AdamW state, by checkpoint name: every weight, or only the LoRA adapters. */
  readonly trainable: ReadonlyMap<string, Variable>;
  /** The base model's `config.json`, without the trainer's `ual` block. */
  readonly hfConfig: JsonObject;
  /** Writes the trained weights into a checkpoint folder: `model.safetensors`, or the PEFT adapter files. */
  save(dir: string): Promise<void>;
  /**
   * Called before each forward pass over `batch` samples, the first at position `offset` of
   * optimizer step `step`'s batch: seeds what is random per sample (LoRA dropout masks) from the
   * run's seed, the step and each sample's position, so that a resumed run, and a batch split
   * over other micro-batches or threads, draw what one uninterrupted pass would.
   */
  beginPass(step: number, offset: number, batch: number): void;
  /** Reads what {@linkcode TrainedModel.save} wrote (resume). */
  load(dir: string): Promise<void>;
  dispose(): void;
}

/**
 * Builds the model to train: a fresh GPT-2 from `config`; or, with `init`, the Hugging Face
 * folder's model (GPT-2 or Llama family), fully trainable; or, with `init` and `lora`, that model
 * frozen with LoRA adapters on it (spec §5.2), which are then all that is trained and saved.
 */
export async function setUpModel(args: {
  name: string;
  config: Required<Gpt2Config>;
  seed: number;
  init?: string;
  lora?: LoraOptions;
  gpt2HfConfig: JsonObject;
  /** Keep the base model's distribution at hand (a frozen copy when fully trained): see {@linkcode TrainedModel.baseLogits}. */
  needsBase?: boolean;
}): Promise<TrainedModel> {
  const { name, init, lora, seed } = args;
  const noBase = (): Tensor3D => {
    throw new Error(`${name}: the base model's logits were not prepared (setUpModel needsBase)`);
  };
  if (init === undefined) {
    if (lora !== undefined) throw new Error(`${name}: lora needs a pretrained model to adapt; set init to a Hugging Face model folder`);
    const model = createGpt2(args.config, { seed });
    // the same seed draws the same initial weights: the frozen copy is the model before training
    const frozen = args.needsBase ? createGpt2(args.config, { seed }) : undefined;
    return {
      logits: model.logits,
      baseLogits: frozen !== undefined ? (ids, mask) => tidy(() => frozen.logits(ids, mask)) : noBase,
      trainable: model.variables,
      hfConfig: args.gpt2HfConfig,
      beginPass: () => {},
      save: (dir) => saveGpt2Weights(model, join(dir, "model.safetensors"), { producer: "@ual/trainer-tfjs" }),
      load: (dir) => loadGpt2Weights(model, join(dir, "model.safetensors")),
      dispose: () => {
        model.dispose();
        frozen?.dispose();
      },
    };
  }
  const loaded = await loadHfModel(init, { trainable: lora === undefined });
  const hfConfig = loaded.hfConfig as JsonObject;
  if (lora === undefined) {
    const frozen = args.needsBase ? (await loadHfModel(init, { trainable: false })).model : undefined;
    return {
      logits: loaded.model.logits,
      baseLogits: frozen !== undefined ? (ids, mask) => tidy(() => frozen.logits(ids, mask)) : noBase,
      trainable: loaded.model.variables,
      hfConfig,
      beginPass: () => {},
      save: async (dir) => {
        await saveHfModel(loaded, dir, { producer: "@ual/trainer-tfjs" });
      },
      load: (dir) => loadHfWeights(loaded.model.variables, join(dir, "model.safetensors")),
      dispose: () => {
        loaded.model.dispose();
        frozen?.dispose();
      },
    };
  }
  const model = loaded.model;
  let adapters: LoraAdapters;
  try {
    adapters = attachLora(model, lora, { seed });
  } catch (error) {
    model.dispose();
    throw error;
  }
  return {
    logits: model.logits,
    baseLogits: (ids, mask) =>
      tidy(() => {
        adapters.setEnabled(false);
        try {
          return model.logits(ids, mask);
        } finally {
          adapters.setEnabled(true);
        }
      }),
    trainable: adapters.variables,
    hfConfig,
    beginPass: (step, offset, batch) => adapters.dropoutPerSequence(Array.from({ length: batch }, (_, b) => fnv1a(`${seed}:${step}:${offset + b}`))),
    save: (dir) => saveLoraAdapters(adapters, dir, { baseModel: init, metadata: { producer: "@ual/trainer-tfjs" } }),
    load: (dir) => loadLoraAdapters(adapters, dir),
    dispose: () => {
      adapters.dispose();
      model.dispose();
    },
  };
}
