import { gather, reshape, type Tensor2D, type Tensor3D, tensor1d, zeros } from "@tensorflow/tfjs-core";

/**
 * The LM head over the final features [B·T, d]: at every row ([B, T, V]), or only at `rows`
 * (flattened b·T + t indices, in their order) as [1, rows.length, V], gathering the features
 * first so that the head's product covers those rows alone.
 */
export function logitsAtRows(final: Tensor2D, head: (x: Tensor2D) => Tensor2D, batch: number, time: number, vocab: number, rows: Int32Array | undefined): Tensor3D {
  if (rows === undefined) return reshape(head(final), [batch, time, vocab]) as Tensor3D;
  for (const r of rows) {
    if (!(Number.isInteger(r) && r >= 0 && r < batch * time)) throw new RangeError(`logitRows: row ${r} is outside the ${batch}×${time} new tokens`);
  }
  if (rows.length === 0) return zeros([1, 0, vocab]) as Tensor3D;
  return reshape(head(gather(final, tensor1d(rows, "int32")) as Tensor2D), [1, rows.length, vocab]) as Tensor3D;
}
