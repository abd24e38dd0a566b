/** LoRA settings (Hu et al. 2021), named as the trainer's `lora:` option and PEFT's `LoraConfig`. */
export interface LoraOptions {
  /** Rank of the update B·A (`r`). Default 8 (spec §5.2). */
  r?: number;
  /** Scale numerator: the update is multiplied by alpha / r (`lora_alpha`). Default 16. */
  alpha?: number;
  /** Dropout on the adapter branch's input while training (`lora_dropout`). Default 0.1. */
  dropout?: number;
  /**
   * Linear layers to adapt (`target_modules`), matched as PEFT does: a layer is adapted when its
   * name is the target or ends with `.` + target (`c_proj` adapts both of GPT-2's `attn.c_proj`
   * and `mlp.c_proj`; `mlp.c_proj` only the MLP's). Default {@linkcode LORA_DEFAULT_TARGETS} of
   * the model's family: q_proj and v_proj for Llama, c_attn for GPT-2.
   */
  targets?: readonly string[];
}

/** The model families LoRA can adapt: Llama-style `nn.Linear` weights, or GPT-2's `Conv1D` ones. */
export type LoraFamily = "llama" | "gpt2";

/** The paper's LoRA settings (spec §5.2): r 8, alpha 16, dropout 0.1, on the query and value projections (Llama names). */
export const LORA_DEFAULTS: Readonly<Required<LoraOptions>> = { r: 8, alpha: 16, dropout: 0.1, targets: ["q_proj", "v_proj"] };

/**
 * The default targets by family, as PEFT's `TRANSFORMERS_MODELS_TO_LORA_TARGET_MODULES_MAPPING`:
 * the query and value projections for Llama (spec §5.2), the fused q/k/v projection `c_attn` for
 * GPT-2, whose query and value cannot be adapted apart.
 */
export const LORA_DEFAULT_TARGETS: Readonly<Record<LoraFamily, readonly string[]>> = { llama: ["q_proj", "v_proj"], gpt2: ["c_attn"] };

/** The linear layers of a Llama-family block LoRA can adapt. */
export const LORA_TARGETS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"] as const;

/** The `Conv1D` layers of a GPT-2 block LoRA can adapt, by the names PEFT matches (`c_proj` is both projections). */
export const GPT2_LORA_TARGETS = ["c_attn", "c_proj", "c_fc", "attn.c_attn", "attn.c_proj", "mlp.c_fc", "mlp.c_proj"] as const;

const TARGETS_BY_FAMILY: Readonly<Record<LoraFamily, readonly string[]>> = { llama: LORA_TARGETS, gpt2: GPT2_LORA_TARGETS };
const FAMILY_NAME: Readonly<Record<LoraFamily, string>> = { llama: "a Llama-family", gpt2: "a GPT-2" };

/**
 * Fills in the defaults — {@linkcode LORA_DEFAULTS}, with the targets of `family` (default
 * `"llama"`) — and checks the values, naming the field that is wrong. Without a family, a target
 * may be a layer of either family; with one, it must be a layer of that family.
 *
 * @example
 * ```ts
 * import { resolveLoraOptions } from "@ual/models";
 *
 * resolveLoraOptions({ r: 4 }); // { r: 4, alpha: 16, dropout: 0.1, targets: ["q_proj", "v_proj"] }
 * resolveLoraOptions({}, "gpt2").targets; // ["c_attn"]
 * ```
 */
export function resolveLoraOptions(options: LoraOptions = {}, family?: LoraFamily): Required<LoraOptions> {
  // A field given as undefined takes its default, as an absent one does.
  const given = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as LoraOptions;
  const full = { ...LORA_DEFAULTS, targets: LORA_DEFAULT_TARGETS[family ?? "llama"], ...given };
  if (!Number.isInteger(full.r) || full.r < 1) throw new Error(`lora.r must be a positive integer, got ${full.r}`);
  if (!(full.alpha > 0)) throw new Error(`lora.alpha must be > 0, got ${full.alpha}`);
  if (!(full.dropout >= 0 && full.dropout < 1)) throw new Error(`lora.dropout must be in [0, 1), got ${full.dropout}`);
  if (full.targets.length === 0) throw new Error("lora.targets must name at least one layer");
  const known = family === undefined ? [...LORA_TARGETS, ...GPT2_LORA_TARGETS] : TARGETS_BY_FAMILY[family];
  for (const t of full.targets) {
    if (!known.includes(t)) {
      const model = family === undefined ? "" : ` of ${FAMILY_NAME[family]} model`;
      throw new Error(`lora.targets: unknown layer "${t}"${model} (one of ${known.join(", ")})`);
    }
  }
  return { ...full, targets: [...full.targets] };
}
