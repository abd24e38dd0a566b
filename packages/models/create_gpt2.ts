import {
  add,
  gather,
  reshape,
  split,
  type Tensor,
  type Tensor1D,
  type Tensor2D,
  type Tensor3D,
  type Tensor4D,
  tensor,
  tensor1d,
  tidy,
  transpose,
  type Variable,
  variable,
  zeros,
} from "@tensorflow/tfjs-core";
import { causalAttentionBias, createRng, gelu, layerNorm, linear, scaledDotProductAttention } from "@ual/nn";
import { type Gpt2Config, resolveGpt2Config } from "./gpt2_config.ts";
import { gpt2WeightShapes } from "./gpt2_weight_shapes.ts";
import type { LinearHook } from "./create_llama.ts";
import { frozenConv1d } from "./_frozen_conv1d.ts";
import { linearTransposed } from "./_frozen_linear.ts";

/** A GPT-2-family decoder-only transformer whose weights are tfjs variables named as Hugging Face's. */
export interface Gpt2Model {
  readonly config: Required<Gpt2Config>;
  /**
   * The trainable weights by Hugging Face `GPT2LMHeadModel` state-dict name
   * (`transformer.h.0.attn.c_attn.weight`, …; the LM head is tied to `transformer.wte.weight`).
   * Linear weights are stored [in, out], as HF's `Conv1D`.
   */
  readonly variables: ReadonlyMap<string, Variable>;
  /**
   * Logits [B, T, V] for int32 ids [B, T]. `attentionMask` (B·T numbers, 1 = real token,
   * 0 = padding) hides padded keys; by default every token is real.
   */
  logits(inputIds: Tensor2D, attentionMask?: ArrayLike<number>): Tensor3D;
  /**
   * Linear layer `name` (`transformer.h.0.attn.c_attn`, `….attn.c_proj`, `….mlp.c_fc`,
   * `….mlp.c_proj`) applied to x [N, in]: x·W + b, then the hook if one is set. The forward
   * passes use it; so does the incremental inference step, so that unmerged adapters apply there too.
   */
  linear(name: string, x: Tensor2D): Tensor2D;
  /**
   * Routes every block's linear layers through `hook` (or back to plain products with
   * `undefined`); the hook gets the layer input x [N, in] and the base output x·W + b [N, out].
   * LoRA adapters plug in here.
   */
  setLinearHook(hook: LinearHook | undefined): void;
  /** Frees the weights. */
  dispose(): void;
}

/** Options of {@linkcode createGpt2}. */
export interface CreateGpt2Options {
  /** Seeds the initial weights (drawn in JavaScript, so the same on every backend). Default 1337. */
  seed?: number;
  /**
   * `"random"` (default): GPT-2's initialisation. `"zeros"`: every weight 0, for a model whose
   * weights are loaded next (drawing 1.3M normals took 120 ms of a 160 ms load of ual-base).
   */
  init?: "random" | "zeros";
}

/** GPT-2's initialisation: N(0, σ) weights, σ/√(2·layers) for the residual projections, zero biases, unit LayerNorm gains. */
function initialValues(name: string, size: number, config: Required<Gpt2Config>, normal: () => number): Float32Array {
  const values = new Float32Array(size);
  if (name.endsWith(".bias")) return values;
  if (/\.ln_[12f]\.weight$/.test(name) || name.endsWith("ln_f.weight")) return values.fill(1);
  const std = name.endsWith("c_proj.weight") ? config.initStd / Math.sqrt(2 * config.layers) : config.initStd;
  for (let i = 0; i < size; i++) values[i] = std * normal();
  return values;
}

/**
 * Builds a GPT-2-family model — learned positions, pre-LayerNorm blocks, GELU (tanh) MLP, tied
 * input/output embeddings, causal self-attention with a padding mask — as plain tfjs-core ops
 * over named variables, so that Hugging Face GPT-2 checkpoints map onto it name for name.
 *
 * Every product is a plain matmul (`matMulPlain`, {@linkcode linear}): the LM head
 * multiplies by an explicit transpose of the embedding table rather than with a transpose flag,
 * because on wasm only flag-free 2-D matmuls take XNNPACK's fast path.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { createGpt2, GPT2_PRESETS } from "@ual/models";
 *
 * const model = createGpt2({ ...GPT2_PRESETS.tiny, vocabSize: 259 }, { seed: 1 });
 * const logits = model.logits(tf.tensor2d([[256, 72, 105]], [1, 3], "int32")); // [1, 3, 259]
 * ```
 */
export function createGpt2(config: Gpt2Config, options: CreateGpt2Options = {}): Gpt2Model {
  const full = resolveGpt2Config(config);
  const rng = createRng(options.seed ?? 1337);
  const normal = () => rng.normal();
  const variables = new Map<string, Variable>();
  for (const [name, shape] of gpt2WeightShapes(full)) {
    const size = shape.reduce((a, b) => a * b, 1);
    // tfjs variable names are global; the HF name is the map key, so two models can coexist.
    const initial = options.init === "zeros" ? zeros(shape) : tensor(initialValues(name, size, full, normal), shape);
    variables.set(name, variable(initial, true));
    // The variable shares this buffer; disposed here, it goes with the first assign() (a load)
    // instead of staying as a second copy of the weight.
    initial.dispose();
  }
  const w = (name: string) => {
    const found = variables.get(name);
    if (found === undefined) throw new Error(`GPT-2: no weight ${name}`);
    return found;
  };
  const { dModel: d, heads, layerNormEpsilon: lnEps, contextLength } = full;
  const dh = d / heads;
  let hook: LinearHook | undefined;
  const project = (name: string, x: Tensor2D): Tensor2D => {
    const weight = w(`${name}.weight`);
    const bias = w(`${name}.bias`) as Tensor as Tensor1D;
    // Trainable (full training): exactly the plain linear, no extra op. Frozen (LoRA's base): no dW.
    const y = weight.trainable ? linear(x, weight as Tensor as Tensor2D, bias) : frozenConv1d(x, weight as Tensor as Tensor2D, bias);
    return hook === undefined ? y : hook(name, x, y);
  };

  const logits = (inputIds: Tensor2D, attentionMask?: ArrayLike<number>): Tensor3D =>
    tidy(() => {
      if (inputIds.rank !== 2 || inputIds.dtype !== "int32") throw new Error(`GPT-2: input ids must be an int32 [B, T] tensor, got ${inputIds.dtype} [${inputIds.shape}]`);
      const [batch, time] = inputIds.shape;
      if (time > contextLength) throw new Error(`GPT-2: ${time} tokens exceed the context length ${contextLength}`);
      const mask = attentionMask ?? new Uint8Array(batch * time).fill(1);
      const bias = causalAttentionBias(mask, batch, time);
      const wte = w("transformer.wte.weight") as Tensor as Tensor2D;
      const tokens = gather(wte, reshape(inputIds, [batch * time]));
      // Positions by gather too: its gradient is one UnsortedSegmentSum pass, where a broadcast
      // add's would be a Sum over the batch axis, which is slow on wasm.
      const positionIds = new Int32Array(batch * time);
      for (let i = 0; i < positionIds.length; i++) positionIds[i] = i % time;
      const positions = gather(w("transformer.wpe.weight") as Tensor as Tensor2D, tensor1d(positionIds, "int32"));
      // [B·T, d] throughout: every linear layer is then one 2-D matmul
      let h: Tensor2D = add(tokens, positions);
      for (let i = 0; i < full.layers; i++) {
        const p = `transformer.h.${i}`;
        const a = layerNorm(h, w(`${p}.ln_1.weight`) as Tensor as Tensor1D, w(`${p}.ln_1.bias`) as Tensor as Tensor1D, lnEps);
        const qkv = project(`${p}.attn.c_attn`, a);
        // [B·T, 3d] → [B, 3H, T, dh] → q, k, v [B, H, T, dh]: a rank-4 transpose and a split; the
        // rank-5 transpose this could be is ~8× slower on wasm (and so is its gradient).
        const byHead = transpose(reshape(qkv, [batch, time, 3 * heads, dh]), [0, 2, 1, 3]);
        const [q, k, v] = split(byHead, 3, 1) as [Tensor4D, Tensor4D, Tensor4D];
        const attended = scaledDotProductAttention(q, k, v, bias);
        const merged = reshape(transpose(attended, [0, 2, 1, 3]), [batch * time, d]) as Tensor2D;
        h = add(h, project(`${p}.attn.c_proj`, merged));
        const m = layerNorm(h, w(`${p}.ln_2.weight`) as Tensor as Tensor1D, w(`${p}.ln_2.bias`) as Tensor as Tensor1D, lnEps);
        const up = gelu(project(`${p}.mlp.c_fc`, m));
        h = add(h, project(`${p}.mlp.c_proj`, up));
      }
      const final = layerNorm(h, w("transformer.ln_f.weight") as Tensor as Tensor1D, w("transformer.ln_f.bias") as Tensor as Tensor1D, lnEps);
      // tied LM head: logits = h · wteᵀ
      const out = linearTransposed(final, wte);
      return reshape(out, [batch, time, full.vocabSize]) as Tensor3D;
    });

  return {
    config: full,
    variables,
    logits,
    linear: project,
    setLinearHook(next) {
      hook = next;
    },
    dispose() {
      for (const v of variables.values()) v.dispose();
      variables.clear();
    },
  };
}
