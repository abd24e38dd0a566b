import { add, concat, mul, neg, slice, type Tensor2D, type Tensor4D, tensor2d, tensor4d } from "@tensorflow/tfjs-core";

// One row of a table: the angle of frequency j at `position` is position · θ^(−2j/dh), computed in
// float64 and only the cos/sin rounded, so long positions with a large θ lose no precision before
// the table. Both table builders go through here, so a position gets the same numbers in either.
function writeRow(cos: Float32Array, sin: Float32Array, offset: number, position: number, headDim: number, theta: number): void {
  const half = headDim / 2;
  for (let j = 0; j < half; j++) {
    const angle = position / Math.pow(theta, (2 * j) / headDim);
    const c = Math.cos(angle);
    const s = Math.sin(angle);
    cos[offset + j] = c;
    cos[offset + j + half] = c;
    sin[offset + j] = s;
    sin[offset + j + half] = s;
  }
}

/**
 * cos and sin tables [T, dh] of rotary position embeddings (Su et al. 2021) for positions 0…T−1,
 * in Hugging Face's "rotate half" layout: frequency j = θ^(−2j/dh) drives the pair (j, j + dh/2),
 * so the table is the dh/2 angles written twice.
 */
export function rotaryTables(time: number, headDim: number, theta: number): { cos: Tensor2D; sin: Tensor2D } {
  const cos = new Float32Array(time * headDim);
  const sin = new Float32Array(time * headDim);
  for (let t = 0; t < time; t++) writeRow(cos, sin, t * headDim, t, headDim, theta);
  return { cos: tensor2d(cos, [time, headDim]), sin: tensor2d(sin, [time, headDim]) };
}

/**
 * The tables of {@linkcode rotaryTables} at explicit per-row positions (B·T of them, row-major),
 * as [B, 1, T, dh] so that they broadcast over heads: a left-padded row's first real token sits at
 * position 0 whatever column it is in.
 */
export function rotaryTablesAt(positions: Int32Array, batch: number, time: number, headDim: number, theta: number): { cos: Tensor4D; sin: Tensor4D } {
  if (positions.length !== batch * time) throw new Error(`rotaryTablesAt: ${positions.length} positions for a ${batch}×${time} batch`);
  const cos = new Float32Array(batch * time * headDim);
  const sin = new Float32Array(batch * time * headDim);
  for (let i = 0; i < positions.length; i++) writeRow(cos, sin, i * headDim, positions[i] as number, headDim, theta);
  return { cos: tensor4d(cos, [batch, 1, time, headDim]), sin: tensor4d(sin, [batch, 1, time, headDim]) };
}

/**
 * Rotates q or k [B, H, T, dh] by position: x·cos + rotate_half(x)·sin, rotate_half(x) = [−x₂, x₁].
 * The tables are [T, dh] (the same positions in every row) or [B, 1, T, dh] (per row).
 */
export function applyRotary(x: Tensor4D, cos: Tensor2D | Tensor4D, sin: Tensor2D | Tensor4D): Tensor4D {
  const [b, h, t, dh] = x.shape;
  const half = dh / 2;
  const x1 = slice(x, [0, 0, 0, 0], [b, h, t, half]);
  const x2 = slice(x, [0, 0, 0, half], [b, h, t, half]);
  const rotated = concat([neg(x2), x1], 3);
  return add(mul(x, cos), mul(rotated, sin));
}
