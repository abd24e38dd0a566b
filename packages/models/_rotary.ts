import { add, concat, mul, neg, slice, type Tensor2D, type Tensor4D, tensor2d, tensor4d } from "@tensorflow/tfjs-core";
import type { RopeScaling } from "./llama_config.ts";

/**
 * What each of the dh/2 frequencies divides a position by: the angle of frequency j at position t
 * is t / periods[j]. Plain RoPE: θ^(2j/dh). `linear` (position interpolation): that times the
 * factor. `llama3` (Llama 3.1's scaling, as Meta's reference and transformers compute it): the
 * long wavelengths (beyond originalMaxPositionEmbeddings / lowFreqFactor) divided by the factor,
 * the short ones (below originalMaxPositionEmbeddings / highFreqFactor) kept, the band between
 * them interpolated.
 */
export function ropePeriods(headDim: number, theta: number, scaling: RopeScaling | null = null): Float64Array {
  const half = headDim / 2;
  const periods = new Float64Array(half);
  for (let j = 0; j < half; j++) {
    const base = Math.pow(theta, (2 * j) / headDim);
    if (scaling === null) periods[j] = base;
    else if (scaling.type === "linear") periods[j] = base * scaling.factor;
    else {
      const { factor, lowFreqFactor: low, highFreqFactor: high, originalMaxPositionEmbeddings: original } = scaling;
      const inv = 1 / base;
      const wavelength = 2 * Math.PI * base;
      let scaled: number;
      if (wavelength < original / high) scaled = inv;
      else if (wavelength > original / low) scaled = inv / factor;
      else {
        const smooth = (original / wavelength - low) / (high - low);
        scaled = (1 - smooth) * (inv / factor) + smooth * inv;
      }
      periods[j] = 1 / scaled;
    }
  }
  return periods;
}

// One row of a table: the angle of frequency j at `position` is position / periods[j], computed in
// float64 and only the cos/sin rounded, so long positions with a large θ lose no precision before
// the table. Both table builders go through here, so a position gets the same numbers in either.
function writeRow(cos: Float32Array, sin: Float32Array, offset: number, position: number, periods: Float64Array): void {
  const half = periods.length;
  for (let j = 0; j < half; j++) {
    const angle = position / (periods[j] as number);
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
 * in Hugging Face's "rotate half" layout: frequency j (period `periods[j]`, {@linkcode ropePeriods})
 * drives the pair (j, j + dh/2), so the table is the dh/2 angles written twice.
 */
export function rotaryTables(time: number, periods: Float64Array): { cos: Tensor2D; sin: Tensor2D } {
  const headDim = 2 * periods.length;
  const cos = new Float32Array(time * headDim);
  const sin = new Float32Array(time * headDim);
  for (let t = 0; t < time; t++) writeRow(cos, sin, t * headDim, t, periods);
  return { cos: tensor2d(cos, [time, headDim]), sin: tensor2d(sin, [time, headDim]) };
}

/**
 * The tables of {@linkcode rotaryTables} at explicit per-row positions (B·T of them, row-major),
 * as [B, 1, T, dh] so that they broadcast over heads: a left-padded row's first real token sits at
 * position 0 whatever column it is in.
 */
export function rotaryTablesAt(positions: Int32Array, batch: number, time: number, periods: Float64Array): { cos: Tensor4D; sin: Tensor4D } {
  if (positions.length !== batch * time) throw new Error(`rotaryTablesAt: ${positions.length} positions for a ${batch}×${time} batch`);
  const headDim = 2 * periods.length;
  const cos = new Float32Array(batch * time * headDim);
  const sin = new Float32Array(batch * time * headDim);
  for (let i = 0; i < positions.length; i++) writeRow(cos, sin, i * headDim, positions[i] as number, periods);
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
