import { concat, customGrad, type GradSaveFunc, matMul, slice, type Tensor, type Tensor2D, tidy, transpose, type Variable } from "@tensorflow/tfjs-core";
import { matMulPlain, matMulTransposed, matMulUncached, nativeMatMulActive } from "@ual/nn";

/**
 * The most weight elements the backward pass packs at once (16 MiB of float32). XNNPACK packs
 * the right operand of a product into a buffer of its size; for a 32000 × 768 LM head that was a
 * 94 MiB allocation at every step, which raised the wasm heap's high-water mark (it never
 * shrinks) by much more than its size through fragmentation.
 */
const PACKED_ELEMENTS = 4 * 1024 * 1024;

/** dy [N, out] · W [out, in], one block of W's columns at a time when W is large. */
function inputGradient(dy: Tensor2D, w: Tensor2D): Tensor2D {
  const [out, inDim] = w.shape;
  const columns = Math.max(1, Math.floor(PACKED_ELEMENTS / out));
  if (columns >= inDim) return matMulUncached(dy, w);
  return tidy(() => {
    // Each output column is the same sum over `out`, in the same order, as in one product.
    const blocks: Tensor2D[] = [];
    for (let j = 0; j < inDim; j += columns) blocks.push(tidy(() => matMulUncached(dy, slice(w, [0, j], [out, Math.min(columns, inDim - j)]))));
    return concat(blocks, 1);
  });
}

/**
 * x [N, in] · Wᵀ for a frozen weight W [out, in] (LoRA's base weights, a frozen LM head): the
 * gradient flows to x only, dx = dy · W. The generic product would also compute dW (a [in, out]
 * buffer per layer, thrown away) and keep Wᵀ alive until the backward pass ends.
 *
 * No weight-sized buffer is made, in either pass. The forward pass computes (W · xᵀ)ᵀ: W is the
 * left operand, which XNNPACK reads in place, and only the small xᵀ gets packed; the values are
 * those of x · Wᵀ bit for bit (each output is the same sum in the same order), without the
 * transposed copy of W and its packed copy (2 × 94 MiB for a 32000 × 768 head at every call).
 * The backward pass packs W for its product only (`matMulUncached`; a cached packing would keep
 * a second copy of every frozen weight for the life of the model), a block of columns at a time
 * for a large W. With native matmuls (sgemm keeps no packed copies) both passes are one flagged
 * product each, x·Wᵀ and dy·W, with no transposed copy and no blocking.
 */
export function frozenLinear(x: Tensor2D, w: Tensor2D): Tensor2D {
  const op = customGrad((...args: (Tensor | GradSaveFunc)[]) => {
    const input = args[0] as Tensor2D;
    return {
      value: nativeMatMulActive() ? matMul(input, w, false, true) : tidy(() => transpose(matMulPlain(w, transpose(input) as Tensor2D)) as Tensor2D),
      gradFunc: (dy: Tensor) => [nativeMatMulActive() ? matMul(dy as Tensor2D, w) : inputGradient(dy as Tensor2D, w)],
    };
  });
  return op(x) as Tensor2D;
}

/**
 * x [N, in] · Wᵀ for a weight stored [out, in] (PyTorch's `nn.Linear`, a tied embedding used as
 * the LM head): the plain product with an explicit transpose when W trains (the flag-free form
 * XNNPACK runs fast; one flagged sgemm with native matmuls: {@linkcode matMulTransposed}),
 * {@linkcode frozenLinear} when it is frozen (no gradient of its own, no transposed copy). The
 * two give the same values; every model product of this shape goes here.
 */
export function linearTransposed(x: Tensor2D, w: Variable | Tensor2D): Tensor2D {
  const trains = (w as Partial<Variable>).trainable === true;
  return trains ? matMulTransposed(x, w as Tensor2D) : frozenLinear(x, w as Tensor2D);
}
