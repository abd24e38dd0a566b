import { type Tensor3D, type Tensor4D, tidy } from "@tensorflow/tfjs-core";
import type { StepOutput } from "./causal_lm.ts";

/**
 * Runs a step inside `tidy`, freeing its intermediates and handing the outputs to the enclosing
 * scope. They leave as tidy's result, not through `keep()`: a kept tensor would escape every
 * enclosing tidy too, and `generate` relies on its own tidy to free the logits it does not read.
 */
export function tidyStep(run: () => StepOutput): StepOutput {
  let layers = 0;
  const flat = tidy(() => {
    const out = run();
    layers = out.cache.keys.length;
    return [out.logits, out.hidden, ...out.cache.keys, ...out.cache.values];
  });
  return {
    logits: flat[0] as Tensor3D,
    hidden: flat[1] as Tensor3D,
    cache: { keys: flat.slice(2, 2 + layers) as Tensor4D[], values: flat.slice(2 + layers) as Tensor4D[] },
  };
}
