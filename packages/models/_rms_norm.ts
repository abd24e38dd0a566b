import { add, mean, mul, rsqrt, square, type Tensor, type Tensor1D } from "@tensorflow/tfjs-core";

/**
 * RMSNorm over the last axis: x / √(mean(x²) + ε) · gain (Zhang & Sennrich 2019; Llama's
 * `LlamaRMSNorm`, which has no bias and does not subtract the mean).
 */
export function rmsNorm<T extends Tensor>(x: T, gain: Tensor1D, epsilon: number): T {
  const scale = rsqrt(add(mean(square(x), -1, true), epsilon));
  return mul(mul(x, scale), gain) as T;
}
