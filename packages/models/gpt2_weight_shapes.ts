import { type Gpt2Config, resolveGpt2Config } from "./gpt2_config.ts";

/**
 * The Hugging Face names and shapes of every weight of a config, in a fixed order (the order the
 * initial weights are drawn in, and the order `model.variables` lists them).
 *
 * @example
 * ```ts
 * import { GPT2_PRESETS, gpt2WeightShapes } from "@ual/models";
 *
 * gpt2WeightShapes({ ...GPT2_PRESETS.tiny, vocabSize: 259 })[0]; // ["transformer.wte.weight", [259, 128]]
 * ```
 */
export function gpt2WeightShapes(config: Gpt2Config): Array<[string, number[]]> {
  const { vocabSize: v, contextLength: t, dModel: d, layers } = resolveGpt2Config(config);
  const shapes: Array<[string, number[]]> = [
    ["transformer.wte.weight", [v, d]],
    ["transformer.wpe.weight", [t, d]],
  ];
  for (let i = 0; i < layers; i++) {
    const p = `transformer.h.${i}`;
    shapes.push(
      [`${p}.ln_1.weight`, [d]],
      [`${p}.ln_1.bias`, [d]],
      [`${p}.attn.c_attn.weight`, [d, 3 * d]],
      [`${p}.attn.c_attn.bias`, [3 * d]],
      [`${p}.attn.c_proj.weight`, [d, d]],
      [`${p}.attn.c_proj.bias`, [d]],
      [`${p}.ln_2.weight`, [d]],
      [`${p}.ln_2.bias`, [d]],
      [`${p}.mlp.c_fc.weight`, [d, 4 * d]],
      [`${p}.mlp.c_fc.bias`, [4 * d]],
      [`${p}.mlp.c_proj.weight`, [4 * d, d]],
      [`${p}.mlp.c_proj.bias`, [d]],
    );
  }
  shapes.push(["transformer.ln_f.weight", [d]], ["transformer.ln_f.bias", [d]]);
  return shapes;
}
