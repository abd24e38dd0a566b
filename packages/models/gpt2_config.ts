/** The shape of a GPT-2-family model (Hugging Face `GPT2Config` names in the comments). */
export interface Gpt2Config {
  /** Logit width and embedding rows (`vocab_size`); ≥ the tokenizer's vocabulary. */
  vocabSize: number;
  /** Longest sequence, the rows of the position table (`n_positions`). */
  contextLength: number;
  /** Width of the residual stream (`n_embd`). */
  dModel: number;
  /** Transformer blocks (`n_layer`). */
  layers: number;
  /** Attention heads (`n_head`); must divide dModel. */
  heads: number;
  /** LayerNorm ε (`layer_norm_epsilon`); default 1e-5. */
  layerNormEpsilon?: number;
  /** Standard deviation of the initial weights (`initializer_range`); default 0.02. */
  initStd?: number;
}

/** Named shapes; the vocabulary comes from the tokenizer unless set. */
export const GPT2_PRESETS = {
  /** ~0.8 M parameters besides the embeddings: trains in seconds on wasm. */
  tiny: { contextLength: 128, dModel: 128, layers: 4, heads: 4 },
  /** ~4.7 M parameters besides the embeddings. */
  small: { contextLength: 256, dModel: 256, layers: 6, heads: 8 },
  /** The shape of OpenAI's GPT-2 (124 M with its 50257-token vocabulary). */
  gpt2: { contextLength: 1024, dModel: 768, layers: 12, heads: 12 },
} as const satisfies Record<string, Omit<Gpt2Config, "vocabSize">>;

/** The name of a {@linkcode GPT2_PRESETS} entry. */
export type Gpt2Preset = keyof typeof GPT2_PRESETS;

/**
 * Checks a config and fills in its defaults, with errors that say which field is wrong.
 *
 * @example
 * ```ts
 * import { GPT2_PRESETS, resolveGpt2Config } from "@ual/models";
 *
 * const config = resolveGpt2Config({ ...GPT2_PRESETS.tiny, vocabSize: 259 });
 * ```
 */
export function resolveGpt2Config(config: Gpt2Config): Required<Gpt2Config> {
  const full: Required<Gpt2Config> = { layerNormEpsilon: 1e-5, initStd: 0.02, ...config };
  for (const key of ["vocabSize", "contextLength", "dModel", "layers", "heads"] as const) {
    const value = full[key];
    if (!Number.isInteger(value) || value < 1) throw new Error(`GPT-2 config: ${key} must be a positive integer, got ${value}`);
  }
  if (full.dModel % full.heads !== 0) throw new Error(`GPT-2 config: heads (${full.heads}) must divide dModel (${full.dModel})`);
  if (full.vocabSize < 2) throw new Error(`GPT-2 config: vocabSize must be at least 2, got ${full.vocabSize}`);
  if (!(full.layerNormEpsilon > 0)) throw new Error(`GPT-2 config: layerNormEpsilon must be > 0`);
  if (!(full.initStd > 0)) throw new Error(`GPT-2 config: initStd must be > 0`);
  return full;
}

/**
 * The model's parameter count (tied embeddings counted once).
 *
 * @example
 * ```ts
 * import { gpt2ParameterCount } from "@ual/models";
 *
 * gpt2ParameterCount({ vocabSize: 50257, contextLength: 1024, dModel: 768, layers: 12, heads: 12 }); // 124439808
 * ```
 */
export function gpt2ParameterCount(config: Gpt2Config): number {
  const { vocabSize: v, contextLength: t, dModel: d, layers: l } = config;
  const block = 2 * 2 * d + (d * 3 * d + 3 * d) + (d * d + d) + (d * 4 * d + 4 * d) + (4 * d * d + d);
  return v * d + t * d + l * block + 2 * d;
}
