/** LoRA settings (Hu et al. 2021), named as the trainer's `lora:` option and PEFT's `LoraConfig`. */
export interface LoraOptions {
  /** Rank of the update B·A (`r`). Default 8 (spec §5.2). */
  r?: number;
  /** Scale numerator: the update is multiplied by alpha / r (`lora_alpha`). Default 16. */
  alpha?: number;
  /** Dropout on the adapter branch's input while training (`lora_dropout`). Default 0.1. */
  dropout?: number;
  /** Linear layers to adapt, by the last part of their name (`target_modules`). Default q_proj and v_proj. */
  targets?: readonly string[];
}

/** The paper's LoRA settings (spec §5.2): r 8, alpha 16, dropout 0.1, on the query and value projections. */
export const LORA_DEFAULTS: Readonly<Required<LoraOptions>> = { r: 8, alpha: 16, dropout: 0.1, targets: ["q_proj", "v_proj"] };

/** The linear layers of a Llama-family block LoRA can adapt. */
export const LORA_TARGETS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"] as const;

/**
 * Fills in {@linkcode LORA_DEFAULTS} and checks the values, naming the field that is wrong.
 *
 * @example
 * ```ts
 * import { resolveLoraOptions } from "@ual/models";
 *
 * resolveLoraOptions({ r: 4 }); // { r: 4, alpha: 16, dropout: 0.1, targets: ["q_proj", "v_proj"] }
 * ```
 */
export function resolveLoraOptions(options: LoraOptions = {}): Required<LoraOptions> {
  const full = { ...LORA_DEFAULTS, ...options };
  if (!Number.isInteger(full.r) || full.r < 1) throw new Error(`lora.r must be a positive integer, got ${full.r}`);
  if (!(full.alpha > 0)) throw new Error(`lora.alpha must be > 0, got ${full.alpha}`);
  if (!(full.dropout >= 0 && full.dropout < 1)) throw new Error(`lora.dropout must be in [0, 1), got ${full.dropout}`);
  if (full.targets.length === 0) throw new Error("lora.targets must name at least one layer");
  for (const t of full.targets) {
    if (!(LORA_TARGETS as readonly string[]).includes(t)) throw new Error(`lora.targets: unknown layer "${t}" (one of ${LORA_TARGETS.join(", ")})`);
  }
  return { ...full, targets: [...full.targets] };
}
