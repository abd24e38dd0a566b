import { add, customGrad, engine, type GradSaveFunc, mul, sigmoid, square, sub, type Tensor, tidy } from "@tensorflow/tfjs-core";
import { fusedKernel, GELU_GRAD_KERNEL, GELU_KERNEL } from "./_native_fused.ts";

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const CUBIC = 0.044715;

const geluOp = customGrad((...args: (Tensor | GradSaveFunc)[]) => {
  const x = args[0] as Tensor;
  const save = args[1] as GradSaveFunc;
  // tanh u = 2σ(2u) − 1: tfjs-backend-wasm's Sigmoid is ~7× faster than its Tanh (XNNPACK has one).
  const t = tidy(() => sub(mul(sigmoid(mul(add(x, mul(mul(square(x), x), CUBIC)), 2 * SQRT_2_OVER_PI)), 2), 1));
  save([x, t]);
  return {
    value: tidy(() => mul(mul(x, 0.5), add(t, 1))),
    gradFunc: (dy: Tensor, saved: Tensor[]) =>
      tidy(() => {
        const [sx, st] = saved as [Tensor, Tensor];
        // d/dx ½x(1+tanh u) = ½(1+tanh u) + ½x(1−tanh²u)·√(2/π)(1+3·0.044715x²)
        const du = mul(add(mul(square(sx), 3 * CUBIC), 1), SQRT_2_OVER_PI);
        const sech2 = sub(1, square(st));
        const d = add(mul(add(st, 1), 0.5), mul(mul(mul(sx, 0.5), sech2), du));
        return [mul(dy, d)];
      }),
  };
});

// One pass each way in C on the wasm heap (the native kernels); tanh is recomputed from x in
// the backward pass rather than kept.
const fusedGeluOp = customGrad((...args: (Tensor | GradSaveFunc)[]) => {
  const x = args[0] as Tensor;
  const save = args[1] as GradSaveFunc;
  save([x]);
  return {
    value: engine().runKernel(GELU_KERNEL, { x }) as Tensor,
    gradFunc: (dy: Tensor, saved: Tensor[]) => [engine().runKernel(GELU_GRAD_KERNEL, { x: saved[0] as Tensor, dy }) as Tensor],
  };
});

/**
 * GELU with the tanh approximation GPT-2 uses (Hugging Face's `gelu_new`):
 * ½x(1 + tanh(√(2/π)(x + 0.044715x³))), with its gradient in closed form from the saved tanh.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { gelu } from "@ual/nn";
 *
 * gelu(tf.tensor1d([-1, 0, 1])).print(); // [-0.1588, 0, 0.8412]
 * ```
 */
export function gelu<T extends Tensor>(x: T): T {
  return (fusedKernel(GELU_KERNEL) ? fusedGeluOp(x) : geluOp(x)) as T;
}
