import { add, concat, mul, neg, slice, type Tensor2D, type Tensor4D, tensor2d } from "@tensorflow/tfjs-core";

/**
 * cos and sin tables [T, dh] of rotary position embeddings (Su et al. 2021) in Hugging Face's
 * "rotate half" layout: frequency j = θ^(−2j/dh) drives the pair (j, j + dh/2), so the table is
 * the dh/2 angles written twice. Angles are computed in float64 and only the cos/sin rounded,
 * so long positions with a large θ lose no precision before the table.
 */
export function rotaryTables(time: number, headDim: number, theta: number): { cos: Tensor2D; sin: Tensor2D } {
  const half = headDim / 2;
  const cos = new Float32Array(time * headDim);
  const sin = new Float32Array(time * headDim);
  for (let t = 0; t < time; t++) {
    for (let j = 0; j < half; j++) {
      const angle = t / Math.pow(theta, (2 * j) / headDim);
      const c = Math.cos(angle);
      const s = Math.sin(angle);
      cos[t * headDim + j] = c;
      cos[t * headDim + j + half] = c;
      sin[t * headDim + j] = s;
      sin[t * headDim + j + half] = s;
    }
  }
  return { cos: tensor2d(cos, [time, headDim]), sin: tensor2d(sin, [time, headDim]) };
}

/** Rotates q or k [B, H, T, dh] by position: x·cos + rotate_half(x)·sin, rotate_half(x) = [−x₂, x₁]. */
export function applyRotary(x: Tensor4D, cos: Tensor2D, sin: Tensor2D): Tensor4D {
  const [b, h, t, dh] = x.shape;
  const half = dh / 2;
  const x1 = slice(x, [0, 0, 0, 0], [b, h, t, half]);
  const x2 = slice(x, [0, 0, 0, half], [b, h, t, half]);
  const rotated = concat([neg(x2), x1], 3);
  return add(mul(x, cos), mul(rotated, sin));
}
