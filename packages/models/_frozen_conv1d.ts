import { add, customGrad, engine, type GradSaveFunc, matMul, type Tensor, type Tensor1D, type Tensor2D, tidy, transpose } from "@tensorflow/tfjs-core";
import { matMulPlain, matMulUncached, nativeMatMulActive } from "@ual/nn";

/**
 * x [N, in] · W + b for a frozen GPT-2 `Conv1D` weight W [in, out] and bias b (LoRA's base
 * layers): the gradient flows to x only, dx = dy · Wᵀ. `linear` from `@ual/nn` would also compute
 * dW and db for every layer — a weight-sized buffer each, thrown away — at the peak of a training
 * step. (The Llama twin is `_frozen_linear.ts`, for [out, in] weights.)
 *
 * The backward pass computes (W · dyᵀ)ᵀ, the same values as dy · Wᵀ bit for bit with no
 * transposed copy of W: W is the left operand, read in place. In the forward pass W has to be
 * the packed right operand. Outside training (generation) the packing stays cached with W, so
 * that each new token reuses it; during a training step (a gradient tape records) it is freed
 * after the product (`matMulUncached`), or every frozen weight would be held twice for good.
 */
export function frozenConv1d(x: Tensor2D, w: Tensor2D, b: Tensor1D): Tensor2D {
  const training = engine().state.gradientDepth > 0;
  const op = customGrad((...args: (Tensor | GradSaveFunc)[]) => {
    const input = args[0] as Tensor2D;
    return {
      value: tidy(() => add(training ? matMulUncached(input, w) : matMulPlain(input, w), b) as Tensor2D),
      // Native sgemm takes dy · Wᵀ as one flagged product; XNNPACK only runs flag-free ones fast.
      gradFunc: (dy: Tensor) => [
        nativeMatMulActive() ? matMul(dy as Tensor2D, w, false, true) : tidy(() => transpose(matMulPlain(w, transpose(dy) as Tensor2D)) as Tensor2D),
      ],
    };
  });
  return op(x) as Tensor2D;
}
