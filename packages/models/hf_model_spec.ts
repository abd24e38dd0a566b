/** RoPE as a config.json asks for it: the base and, for a scaled type, the scaling's own fields. */
export interface HfRope {
  /** `default` (plain RoPE), `linear` (positions divided by `factor`) or `llama3` (Llama 3.1's per-frequency scaling). */
  type: "default" | "linear" | "llama3";
  theta: number;
  factor?: number;
  lowFreqFactor?: number;
  highFreqFactor?: number;
  originalMaxPositionEmbeddings?: number;
}

/** What a GPT-2 `config.json` describes. */
export interface HfGpt2Spec {
  family: "gpt2";
  architecture: "GPT2LMHeadModel";
  layers: number;
  heads: number;
  hidden: number;
  vocab: number;
  context: number;
  normEps: number;
  tied: true;
}

/** What a Llama, Mistral or Qwen2 `config.json` describes. */
export interface HfLlamaSpec {
  family: "llama";
  architecture: "LlamaForCausalLM" | "MistralForCausalLM" | "Qwen2ForCausalLM";
  layers: number;
  heads: number;
  kvHeads: number;
  hidden: number;
  headDim: number;
  ffn: number;
  vocab: number;
  context: number;
  normEps: number;
  rope: HfRope;
  /** Mistral's `sliding_window`: query t sees keys t−W+1..t (null: every earlier key). */
  slidingWindow: number | null;
  attentionBias: boolean;
  tied: boolean;
}

/** The normalised reading of a Hugging Face `config.json`. */
export type HfModelSpec = HfGpt2Spec | HfLlamaSpec;

/** Every `architectures` entry a config may name. */
export const HF_ARCHITECTURES = ["GPT2LMHeadModel", "LlamaForCausalLM", "MistralForCausalLM", "Qwen2ForCausalLM"] as const;

/** The `architectures` entries read as a Llama-family model. */
export const LLAMA_ARCHITECTURES = ["LlamaForCausalLM", "MistralForCausalLM", "Qwen2ForCausalLM"] as const;

/**
 * The architecture a config names (its `architectures[0]`), or `(none)`.
 *
 * @example
 * ```ts
 * import { hfArchitecture } from "@ual/models";
 *
 * hfArchitecture({ architectures: ["MistralForCausalLM"] }); // "MistralForCausalLM"
 * ```
 */
export function hfArchitecture(json: Record<string, unknown>): string {
  return Array.isArray(json.architectures) && json.architectures.length > 0 ? String(json.architectures[0]) : "(none)";
}

const ROPE_TYPES = ["default", "linear", "llama3"] as const;
const ROPE_FIELDS: Record<HfRope["type"], ReadonlyArray<[string, keyof HfRope]>> = {
  default: [],
  linear: [["factor", "factor"]],
  llama3: [["factor", "factor"], ["low_freq_factor", "lowFreqFactor"], ["high_freq_factor", "highFreqFactor"], ["original_max_position_embeddings", "originalMaxPositionEmbeddings"]],
};

type Json = Record<string, unknown>;

function refuse(where: string, key: string, value: unknown, why: string): never {
  throw new Error(`${where}: ${key} ${JSON.stringify(value ?? null)} is not supported: ${why}`);
}

const isNumber = (value: unknown): value is number => typeof value === "number";

function number(json: Json, key: string, where: string, fallback?: number): number {
  const value = json[key];
  if ((value === undefined || value === null) && fallback !== undefined) return fallback;
  if (!isNumber(value)) throw new Error(`${where}: "${key}" must be a number, got ${key in json ? JSON.stringify(value) : "undefined"}`);
  return value;
}

const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

function readRope(json: Json, where: string): HfRope {
  const params = json.rope_parameters;
  let theta: unknown;
  let kind: unknown;
  let fields: Json;
  let key: string;
  if (isObject(params)) {
    theta = params.rope_theta ?? json.rope_theta ?? 10000;
    kind = params.rope_type ?? params.type ?? "default";
    [fields, key] = [params, "rope_parameters"];
  } else {
    theta = json.rope_theta ?? 10000;
    // no rope_scaling: plain RoPE, read like an empty scaling of type default
    const scaling = json.rope_scaling ?? {};
    if (!isObject(scaling)) refuse(where, "rope_scaling", scaling, "expected null or an object");
    kind = scaling.rope_type ?? scaling.type ?? "default";
    [fields, key] = [scaling, "rope_scaling"];
  }
  if (!isNumber(theta)) throw new Error(`${where}: "rope_theta" must be a number, got ${JSON.stringify(theta)}`);
  if (!(ROPE_TYPES as readonly unknown[]).includes(kind)) refuse(where, `${key}.rope_type`, kind, `the RoPE types implemented are ${ROPE_TYPES.join(", ")}`);
  const type = kind as HfRope["type"];
  const rope: HfRope = { type, theta };
  for (const [name, field] of ROPE_FIELDS[type]) {
    const value = fields[name];
    if (!isNumber(value)) refuse(where, `${key}.${name}`, value, `${type} RoPE needs a number here`);
    Object.assign(rope, { [field]: value });
  }
  const attentionFactor = fields.attention_factor;
  if (type !== "default" && attentionFactor !== undefined && attentionFactor !== null && attentionFactor !== 1) refuse(where, `${key}.attention_factor`, attentionFactor, "only 1 is");
  return rope;
}

/**
 * Reads a Hugging Face `config.json` into what the model code needs: family, shape, RoPE (from
 * transformers 5's `rope_parameters` or the older `rope_theta` + `rope_scaling`), Mistral's
 * sliding window, biases, tying. A setting no UAL model computes (another RoPE type, another
 * activation, attention dropout, Qwen2's per-layer window) is an error naming the key and the
 * value, never a silently different model. The one reading of a config for every package:
 * `@ual/trainer-torch`'s Python reader (`python/_config.py`) says the same, word for word —
 * `fixtures/hf_config_cases.json` holds both to the same cases. Both model implementations (the
 * tfjs Llama through `llamaConfigFromHf`, and trainer-torch's) compute everything it accepts.
 *
 * @example
 * ```ts
 * import { hfModelSpec } from "@ual/models";
 *
 * const spec = hfModelSpec({
 *   architectures: ["LlamaForCausalLM"], vocab_size: 128256, hidden_size: 4096, intermediate_size: 14336,
 *   num_hidden_layers: 32, num_attention_heads: 32, num_key_value_heads: 8,
 *   rope_parameters: { rope_type: "llama3", rope_theta: 500000, factor: 8, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 8192 },
 * });
 * spec.family === "llama" && spec.rope.theta; // 500000
 * ```
 */
export function hfModelSpec(json: Json, where = "config.json"): HfModelSpec {
  const architecture = hfArchitecture(json);
  if (!(HF_ARCHITECTURES as readonly string[]).includes(architecture)) {
    throw new Error(`${where}: architecture ${architecture} is not supported (supported: ${HF_ARCHITECTURES.join(", ")})`);
  }
  if (architecture === "GPT2LMHeadModel") {
    const act = json.activation_function ?? "gelu_new";
    if (act !== "gelu_new" && act !== "gelu_pytorch_tanh") refuse(where, "activation_function", act, "GPT-2 blocks use gelu_new (tanh GELU)");
    const context = json.n_positions !== undefined && json.n_positions !== null ? number(json, "n_positions", where) : number(json, "n_ctx", where, 1024);
    return {
      family: "gpt2", architecture, layers: number(json, "n_layer", where), heads: number(json, "n_head", where),
      hidden: number(json, "n_embd", where), vocab: number(json, "vocab_size", where), context,
      normEps: number(json, "layer_norm_epsilon", where, 1e-5), tied: true,
    };
  }
  const act = json.hidden_act ?? "silu";
  if (act !== "silu") refuse(where, "hidden_act", act, "the SwiGLU MLP uses silu");
  if (json.attention_dropout !== undefined && json.attention_dropout !== null && json.attention_dropout !== 0) {
    refuse(where, "attention_dropout", json.attention_dropout, "only 0 is (LoRA dropout is the trainer's)");
  }
  const heads = number(json, "num_attention_heads", where);
  const hidden = number(json, "hidden_size", where);
  let slidingWindow: number | null = null;
  if (architecture === "Qwen2ForCausalLM") {
    if (json.use_sliding_window === true) refuse(where, "use_sliding_window", true, "Qwen2's per-layer sliding window is not implemented");
  } else if (json.sliding_window !== undefined && json.sliding_window !== null) {
    slidingWindow = number(json, "sliding_window", where);
    if (slidingWindow < 1 || !Number.isInteger(slidingWindow)) refuse(where, "sliding_window", json.sliding_window, "expected a positive number of tokens or null");
  }
  return {
    family: "llama", architecture: architecture as HfLlamaSpec["architecture"], layers: number(json, "num_hidden_layers", where), heads,
    kvHeads: number(json, "num_key_value_heads", where, heads), hidden, headDim: number(json, "head_dim", where, Math.floor(hidden / heads)),
    ffn: number(json, "intermediate_size", where), vocab: number(json, "vocab_size", where), context: number(json, "max_position_embeddings", where, 2048),
    normEps: number(json, "rms_norm_eps", where, 1e-6), rope: readRope(json, where), slidingWindow,
    attentionBias: architecture === "Qwen2ForCausalLM" || json.attention_bias === true, tied: json.tie_word_embeddings === true,
  };
}
