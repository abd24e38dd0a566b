import { add, mul, type Tensor2D, tensor, tensor2d, tidy, transpose, type Variable, variable, zeros } from "@tensorflow/tfjs-core";
import { createRng, fnv1a, matMulPlain, matMulTransposed, type Rng } from "@ual/nn";
import type { Gpt2Model } from "./create_gpt2.ts";
import type { LlamaModel } from "./create_llama.ts";
import { type LoraFamily, type LoraOptions, resolveLoraOptions } from "./lora_options.ts";

/** Adapters attached to a model by {@linkcode attachLora}. */
export interface LoraAdapters {
  readonly options: Required<LoraOptions>;
  /**
   * The adapted model's family. `"gpt2"` layers are `Conv1D`s with W stored [in, out], which PEFT
   * records as `fan_in_fan_out: true`; the adapters themselves have the same shapes either way.
   */
  readonly family: LoraFamily;
  /**
   * The adapter weights by PEFT state-dict name (`base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight`,
   * `base_model.model.transformer.h.0.attn.c_attn.lora_A.weight` [r, in], `….lora_B.weight` [out, r])
   * — the only trainable variables once attached.
   */
  readonly variables: ReadonlyMap<string, Variable>;
  /** Dropout on (training) or off (evaluation, generation). Starts on. */
  setTraining(training: boolean): void;
  /**
   * Adapters on (default) or off: off, the model computes its base weights alone — the base
   * model's distribution without a second copy of its weights (ASFT's anchor).
   */
  setEnabled(enabled: boolean): void;
  /**
   * Restarts the dropout masks' random stream from `seed`. A trainer seeds it per step, so a run
   * resumed from a checkpoint draws the masks an uninterrupted run would have.
   */
  reseedDropout(seed: number): void;
  /**
   * Draws the dropout masks of the next forward passes per sequence: for inputs [B·T, in], row
   * b·T + t gets its own stream, seeded from `seeds[b]` and t and advanced by `in` draws at each
   * adapted layer, in forward order. A sequence's masks then depend on its seed alone — not on
   * which sequences share its batch nor on the padding — so a batch split over micro-batches or
   * threads draws the masks the whole batch would. Call it before each pass; `undefined` goes
   * back to the single stream of {@linkcode LoraAdapters.reseedDropout}.
   */
  dropoutPerSequence(seeds: readonly number[] | undefined): void;
  /**
   * Folds W ← W + (alpha / r)·B·A (GPT-2's [in, out] `Conv1D` weights: W ← W + (alpha / r)·(B·A)ᵀ)
   * into the base weights and detaches, so that inference runs at the base model's speed (spec
   * §5.2: "at inference the weights are merged").
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

/** A linear layer LoRA can adapt: its module name (the weight's without `.weight`) and sizes. */
interface AdaptableLayer {
  readonly name: string;
  readonly inDim: number;
  readonly outDim: number;
}

// The block layers each family can adapt; embeddings and the LM head stay frozen (spec §5.2).
const GPT2_LAYER = /^transformer\.h\.\d+\.(attn\.c_attn|attn\.c_proj|mlp\.c_fc|mlp\.c_proj)\.weight$/;
const LLAMA_LAYER = /^model\.layers\.\d+\.((self_attn|mlp)\.[a-z]+_proj)\.weight$/;

function adaptableLayers(model: LlamaModel | Gpt2Model): { family: LoraFamily; layers: AdaptableLayer[]; kinds: string[] } {
  const family: LoraFamily = model.variables.has("transformer.wte.weight") ? "gpt2" : "llama";
  const pattern = family === "gpt2" ? GPT2_LAYER : LLAMA_LAYER;
  const layers: AdaptableLayer[] = [];
  const kinds = new Set<string>();
  for (const [name, weight] of model.variables) {
    const match = pattern.exec(name);
    if (match === null) continue;
    kinds.add(match[1] as string);
    const [rows, cols] = weight.shape as [number, number];
    // GPT-2's Conv1D stores W [in, out]; nn.Linear (Llama) stores [out, in].
    layers.push({ name: name.slice(0, -".weight".length), ...(family === "gpt2" ? { inDim: rows, outDim: cols } : { inDim: cols, outDim: rows }) });
  }
  return { family, layers, kinds: [...kinds] };
}

/** PEFT's `target_modules` match for a list: the module's name is the target or ends with "." + target. */
function matchesTarget(layer: string, target: string): boolean {
  return layer === target || layer.endsWith(`.${target}`);
}

/**
 * Attaches LoRA adapters to a Llama-family or GPT-2 model: every target linear layer computes
 * W·x + b + (alpha / r)·B·A·dropout(x), and the base weights are frozen (`trainable = false`), so
 * only the adapters get gradients and optimizer state. A ~ kaiming_uniform(a = √5), i.e.
 * U(±1/√in), and B = 0, so the model's output is unchanged until B learns (spec §5.2; PEFT's
 * init). The dropout masks are drawn in JavaScript, so runs repeat on every backend.
 *
 * The default targets depend on the family, as in PEFT: q_proj and v_proj for Llama (spec §5.2),
 * the fused q/k/v projection c_attn for GPT-2. GPT-2's `Conv1D` weights are stored [in, out], yet
 * the adapters keep PEFT's nn.Linear shapes (A [r, in], B [out, r]); only {@linkcode LoraAdapters.merge}
 * transposes the update, as PEFT does for `fan_in_fan_out`.
 *
 * @example
 * ```ts
 * import { attachLora, createGpt2, createLlama } from "@ual/models";
 *
 * const model = createLlama({ vocabSize: 64, dModel: 32, ffnDim: 48, layers: 2, heads: 4 });
 * const lora = attachLora(model, { r: 8, alpha: 16, dropout: 0.1 });
 * lora.variables.size; // 8: lora_A and lora_B of q_proj and v_proj in 2 layers
 *
 * const gpt2 = createGpt2({ vocabSize: 64, contextLength: 32, dModel: 32, layers: 2, heads: 4 });
 * attachLora(gpt2).variables.size; // 4: lora_A and lora_B of c_attn in 2 layers
 * ```
 */
export function attachLora(model: LlamaModel | Gpt2Model, options: LoraOptions = {}, attach: AttachLoraOptions = {}): LoraAdapters {
  const { family, layers, kinds } = adaptableLayers(model);
  const full = resolveLoraOptions(options, family);
  for (const target of full.targets) {
    if (!layers.some((layer) => matchesTarget(layer.name, target))) {
      throw new Error(`attachLora: lora target "${target}" matches no layer of this ${family} model; its adaptable layers (in every block) are ${kinds.join(", ")}`);
    }
  }
  const rng = createRng(attach.seed ?? 1337);
  const scale = full.alpha / full.r;
  const variables = new Map<string, Variable>();
  const adapted = new Map<string, { a: Variable; b: Variable }>();
  for (const { name: layer, inDim, outDim } of layers) {
    if (!full.targets.some((target) => matchesTarget(layer, target))) continue;
    const bound = 1 / Math.sqrt(inDim);
    const a = new Float32Array(full.r * inDim);
    for (let i = 0; i < a.length; i++) a[i] = (2 * rng.float() - 1) * bound;
    const pair = { a: variable(tensor2d(a, [full.r, inDim]), true), b: variable(zeros([outDim, full.r]), true) };
    variables.set(`${PEFT_PREFIX}${layer}.lora_A.weight`, pair.a);
    variables.set(`${PEFT_PREFIX}${layer}.lora_B.weight`, pair.b);
    adapted.set(layer, pair);
  }
  for (const v of model.variables.values()) v.trainable = false;
  let training = true;
  let enabled = true;
  let dropoutRng = createRng((attach.seed ?? 1337) + 1);
  let sequenceSeeds: readonly number[] | undefined;
  // one stream per input row while drawing per sequence, made at the pass's first adapted layer
  let rowRngs: Rng[] = [];

  const dropout = (x: Tensor2D): Tensor2D => {
    if (!training || full.dropout === 0) return x;
    const keep = 1 - full.dropout;
    const mask = new Float32Array(x.size);
    if (sequenceSeeds === undefined) {
      dropoutRng.fillMask(mask, 0, mask.length, keep, 1 / keep);
    } else {
      const [rows, width] = x.shape;
      const batch = sequenceSeeds.length;
      if (rows % batch !== 0) throw new Error(`attachLora: ${rows} input rows do not split into the ${batch} sequences dropoutPerSequence was given`);
      const time = rows / batch;
      if (rowRngs.length !== rows) rowRngs = Array.from({ length: rows }, (_, r) => createRng(fnv1a(`lora-dropout:${sequenceSeeds?.[Math.floor(r / time)]}:${r % time}`)));
      for (let r = 0; r < rows; r++) (rowRngs[r] as Rng).fillMask(mask, r * width, (r + 1) * width, keep, 1 / keep);
    }
    return mul(x, tensor(mask, x.shape));
  };
  model.setLinearHook((name, x, base) => {
    const pair = adapted.get(name);
    if (pair === undefined || !enabled) return base;
    // x·Aᵀ·Bᵀ as two products, [N, in]·[in, r]·[r, out]: never forms the [out, in] update. The
    // same for both families: the adapters have nn.Linear shapes even on a Conv1D. The scale goes
    // on the [N, r] product rather than the [N, out] one: the same value (exactly, for a power
    // of two such as 16 / 8), on r columns instead of out.
    const low = mul(matMulTransposed(dropout(x), pair.a as Tensor2D), scale) as Tensor2D;
    return add(base, matMulTransposed(low, pair.b as Tensor2D));
  });

  const detach = () => {
    model.setLinearHook(undefined);
    for (const v of variables.values()) v.dispose();
    variables.clear();
    adapted.clear();
  };
  return {
    options: full,
    family,
    variables,
    setTraining(next) {
      training = next;
    },
    setEnabled(next) {
      enabled = next;
    },
    reseedDropout(seed) {
      dropoutRng = createRng(seed);
    },
    dropoutPerSequence(seeds) {
      sequenceSeeds = seeds === undefined ? undefined : [...seeds];
      rowRngs = [];
    },
    merge() {
      for (const [layer, { a, b }] of adapted) {
        const w = model.variables.get(`${layer}.weight`) as Variable;
        tidy(() => {
          // B·A is [out, in]; a Conv1D weight is [in, out], so it takes (B·A)ᵀ = Aᵀ·Bᵀ (PEFT's fan_in_fan_out).
          const update = family === "gpt2" ? matMulPlain(transpose(a) as Tensor2D, transpose(b) as Tensor2D) : matMulPlain(b as Tensor2D, a as Tensor2D);
          w.assign(add(w, mul(update, scale)));
        });
      }
      detach();
    },
    dispose: detach,
  };
}
