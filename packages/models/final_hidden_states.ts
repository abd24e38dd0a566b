import { tensor2d, tidy } from "@tensorflow/tfjs-core";
import { gpt2Step } from "./_gpt2_step.ts";
import type { Gpt2Model } from "./create_gpt2.ts";

/**
 * The features the LM head sees — the output of the final LayerNorm (`transformer.ln_f`) — at
 * every position of one sequence, as `ids.length` rows of `dModel` numbers. This is the tensor
 * the paper's feature-clustering analysis hooks (spec §6.5 item 1).
 *
 * @example
 * ```ts
 * const rows = finalHiddenStates(model, chatPrompt("Name a fruit.", tokenizer)); // [T][dModel]
 * ```
 */
export function finalHiddenStates(model: Gpt2Model, ids: readonly number[]): Float32Array[] {
  const time = ids.length;
  if (time === 0 || time > model.config.contextLength) throw new RangeError(`finalHiddenStates: ${time} tokens; need 1 to ${model.config.contextLength}`);
  const hidden = tidy(() => gpt2Step(model, tensor2d([[...ids]], [1, time], "int32"), Int32Array.from(ids, (_, i) => i), [new Uint8Array(time).fill(1)], undefined).hidden);
  const values = hidden.dataSync() as Float32Array;
  hidden.dispose();
  const d = model.config.dModel;
  return Array.from({ length: time }, (_, t) => values.slice(t * d, (t + 1) * d));
}
