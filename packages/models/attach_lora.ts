import { add, mul, type Tensor2D, tensor, tensor2d, tidy, transpose, type Variable, variable, zeros } from "@tensorflow/tfjs-core";
import { createRng, matMulPlain } from "@ual/nn";
import type { LlamaModel } from "./create_llama.ts";
import { type LoraOptions, resolveLoraOptions } from "./lora_options.ts";

/** Adapters attached to a model by {@linkcode attachLora}. */
export interface LoraAdapters {
  readonly options: Required<LoraOptions>;
  /**
   * The adapter weights by PEFT state-dict name (`base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight`
   * [r, in], `….lora_B.weight` [out, r]) — the only trainable variables once attached.
   */
  readonly variables: ReadonlyMap<string, Variable>;
  /** Dropout on (training) or off (evaluation, generation). Starts on. */
  setTraining(training: boolean): void;
  /**
   * Restarts the dropout masks' random stream from `seed`. A trainer seeds it per step, so a run
   * resumed from a checkpoint draws the masks an uninterrupted run would have.
   */
  reseedDropout(seed: number): void;
  /**
   * Folds W ← W + (alpha / r)·B·A into the base weights and detaches, so that inference runs at
   * the base model's speed (spec §5.2: "at inference the weights are merged").
   */
  merge(): void;
  /** Restores the model's plain linear layers and frees the adapters (without merging). */
  dispose(): void;
}

/** Options of {@linkcode attachLora}. */
export interface AttachLoraOptions {
  /** Seeds A's initial values and the dropout masks. Default 1337. */
  seed?: number;
}

/** The prefix PEFT gives every adapter tensor name (`PeftModel` wrapping the base `…ForCausalLM`). */
export const PEFT_PREFIX = "base_model.model.";

/**
 * Attaches LoRA adapters to a Llama-family model: every target linear layer computes
 * W·x + (alpha / r)·B·A·dropout(x), and the base weights are frozen (`trainable = false`), so
 * only the adapters get gradients and optimizer state. A ~ kaiming_uniform(a = √5), i.e.
 * U(±1/√in), and B = 0, so the model's output is unchanged until B learns (spec §5.2; PEFT's
 * init). The dropout masks are drawn in JavaScript, so runs repeat on every backend.
 *
 * @example
 * ```ts
 * import { attachLora, createLlama } from "@ual/models";
 *
 * const model = createLlama({ vocabSize: 64, dModel: 32, ffnDim: 48, layers: 2, heads: 4 });
 * const lora = attachLora(model, { r: 8, alpha: 16, dropout: 0.1 });
 * lora.variables.size; // 8: lora_A and lora_B of q_proj and v_proj in 2 layers
 * ```
 */
export function attachLora(model: LlamaModel, options: LoraOptions = {}, attach: AttachLoraOptions = {}): LoraAdapters {
  const full = resolveLoraOptions(options);
  const rng = createRng(attach.seed ?? 1337);
  const scale = full.alpha / full.r;
  const variables = new Map<string, Variable>();
  const adapted = new Map<string, { a: Variable; b: Variable }>();
  for (const [name, base] of model.variables) {
    const match = /^(.*\.([a-z_]+))\.weight$/.exec(name);
    if (match === null || !full.targets.includes(match[2] as string)) continue;
    const layer = match[1] as string;
    const [out, inDim] = base.shape as [number, number];
    const bound = 1 / Math.sqrt(inDim);
    const a = new Float32Array(full.r * inDim);
    for (let i = 0; i < a.length; i++) a[i] = (2 * rng.float() - 1) * bound;
    const pair = { a: variable(tensor2d(a, [full.r, inDim]), true), b: variable(zeros([out, full.r]), true) };
    variables.set(`${PEFT_PREFIX}${layer}.lora_A.weight`, pair.a);
    variables.set(`${PEFT_PREFIX}${layer}.lora_B.weight`, pair.b);
    adapted.set(layer, pair);
  }
  if (adapted.size === 0) throw new Error(`attachLora: the model has no layer named ${full.targets.join(" or ")}`);
  for (const v of model.variables.values()) v.trainable = false;
  let training = true;
  let dropoutRng = createRng((attach.seed ?? 1337) + 1);

  const dropout = (x: Tensor2D): Tensor2D => {
    if (!training || full.dropout === 0) return x;
    const keep = 1 - full.dropout;
    const mask = new Float32Array(x.size);
    for (let i = 0; i < mask.length; i++) mask[i] = dropoutRng.float() < keep ? 1 / keep : 0;
    return mul(x, tensor(mask, x.shape));
  };
  model.setLinearHook((name, x, base) => {
    const pair = adapted.get(name);
    if (pair === undefined) return base;
    // x·Aᵀ·Bᵀ as two flag-free 2-D matmuls, [N, in]·[in, r]·[r, out]: never forms the [out, in] update.
    const low = matMulPlain(dropout(x), transpose(pair.a) as Tensor2D);
    return add(base, mul(matMulPlain(low, transpose(pair.b) as Tensor2D), scale));
  });

  const detach = () => {
    model.setLinearHook(undefined);
    for (const v of variables.values()) v.dispose();
    variables.clear();
    adapted.clear();
  };
  return {
    options: full,
    variables,
    setTraining(next) {
      training = next;
    },
    reseedDropout(seed) {
      dropoutRng = createRng(seed);
    },
    merge() {
      for (const [layer, { a, b }] of adapted) {
        const w = model.variables.get(`${layer}.weight`) as Variable;
        tidy(() => w.assign(add(w, mul(matMulPlain(b as Tensor2D, a as Tensor2D), scale))));
      }
      detach();
    },
    dispose: detach,
  };
}
