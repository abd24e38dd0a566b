import { tensor2d, tidy } from "@tensorflow/tfjs-core";
import { causalLm, type CausalLmLike } from "./causal_lm.ts";

/**
 * The features the LM head sees — the output of the final norm (GPT-2's `transformer.ln_f`,
 * Llama's `model.norm`) — at every position of one sequence, as `ids.length` rows of `dModel`
 * numbers. This is the tensor the paper's feature-clustering analysis hooks (spec §6.5 item 1).
 *
 * @example
 * ```ts
 * const rows = finalHiddenStates(model, chatPrompt("Name a fruit.", tokenizer)); // [T][dModel]
 * ```
 */
export function finalHiddenStates(model: CausalLmLike, ids: readonly number[]): Float32Array[] {
  const lm = causalLm(model);
  const time = ids.length;
  if (time === 0 || time > lm.config.contextLength) throw new RangeError(`finalHiddenStates: ${time} tokens; need 1 to ${lm.config.contextLength}`);
  const hidden = tidy(() => {
    const out = lm.step(tensor2d([[...ids]], [1, time], "int32"), Int32Array.from(ids, (_, i) => i), [new Uint8Array(time).fill(1)], undefined, { logitRows: new Int32Array(0) });
    return out.hidden;
  });
  const values = hidden.dataSync() as Float32Array;
  hidden.dispose();
  const d = lm.config.dModel;
  return Array.from({ length: time }, (_, t) => values.slice(t * d, (t + 1) * d));
}
