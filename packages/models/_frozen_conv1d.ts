import { add, customGrad, type GradSaveFunc, type Tensor, type Tensor1D, type Tensor2D, tidy, transpose } from "@tensorflow/tfjs-core";
import { matMulPlain } from "@ual/nn";

/**
 * x [N, in] · W + b for a frozen GPT-2 `Conv1D` weight W [in, out] and bias b (LoRA's base
 * layers): the gradient flows to x only, dx = dy · Wᵀ. `linear` from `@ual/nn` would also compute
 * dW and db for every layer — a weight-sized buffer each, thrown away — at the peak of a training
 * step. Here Wᵀ is transient. (The Llama twin is `_frozen_linear.ts`, for [out, in] weights.)
 */
export function frozenConv1d(x: Tensor2D, w: Tensor2D, b: Tensor1D): Tensor2D {
  const op = customGrad((...args: (Tensor | GradSaveFunc)[]) => {
    const input = args[0] as Tensor2D;
    return {
      value: tidy(() => add(matMulPlain(input, w), b) as Tensor2D),
      gradFunc: (dy: Tensor) => [matMulPlain(dy as Tensor2D, transpose(w) as Tensor2D)],
    };
  });
  return op(x) as Tensor2D;
}
