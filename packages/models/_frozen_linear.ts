import { customGrad, type GradSaveFunc, type Tensor, type Tensor2D, tidy, transpose } from "@tensorflow/tfjs-core";
import { matMulPlain } from "@ual/nn";

/**
 * x [N, in] · Wᵀ for a frozen weight W [out, in] (LoRA's base weights): the gradient flows to x
 * only, dx = dy · W, one plain matmul with no transpose. The generic product would also compute
 * dW (a [in, out] buffer per layer, thrown away) and keep Wᵀ alive until the backward pass ends,
 * i.e. two more copies of every weight at the peak of a training step. Here Wᵀ is transient.
 */
export function frozenLinear(x: Tensor2D, w: Tensor2D): Tensor2D {
  const op = customGrad((...args: (Tensor | GradSaveFunc)[]) => {
    const input = args[0] as Tensor2D;
    return {
      value: tidy(() => matMulPlain(input, transpose(w) as Tensor2D)),
      gradFunc: (dy: Tensor) => [matMulPlain(dy as Tensor2D, w)],
    };
  });
  return op(x) as Tensor2D;
}
