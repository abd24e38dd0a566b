import type { SafetensorsDtype } from "./dtypes.ts";

/** The typed arrays tensor data comes in; see {@linkcode Tensor} for which goes with which dtype. */
export type TensorData =
  | Float64Array
  | Float32Array
  | BigInt64Array
  | BigUint64Array
  | Int32Array
  | Uint32Array
  | Int16Array
  | Uint16Array
  | Int8Array
  | Uint8Array;

/**
 * One tensor: an element type, a shape (row-major, `[]` for a scalar) and the elements.
 *
 * `data` by `dtype`: F64 `Float64Array`, F32 `Float32Array`, F16 and BF16 `Uint16Array` of raw
 * bits (Node 20 has no `Float16Array`; read with `widen: true` to get `Float32Array` and dtype
 * F32), I64 `BigInt64Array`, U64 `BigUint64Array`, I32 `Int32Array`, U32 `Uint32Array`,
 * I16 `Int16Array`, U16 `Uint16Array`, I8 `Int8Array`, U8 and BOOL `Uint8Array` (BOOL as 0/1).
 *
 * @example
 * ```ts
 * import type { Tensor } from "@ual/safetensors";
 *
 * const bias: Tensor = { dtype: "F32", shape: [3], data: new Float32Array([0.1, 0.2, 0.3]) };
 * ```
 */
export interface Tensor {
  /** The element type of `data`. */
  dtype: SafetensorsDtype;
  /** The dimensions, outermost first; their product is the number of elements. */
  shape: readonly number[];
  /** The elements in row-major order. */
  data: TensorData;
}

/**
 * A tensor as {@linkcode writeSafetensors} takes it. `data` is what {@linkcode Tensor} holds, or
 * for F16/BF16 also a `Float32Array` (rounded to nearest even on write), or for any dtype a
 * `Uint8Array` of the raw little-endian bytes. It may also be a function that returns the data
 * when this tensor's turn comes, so that a model can be saved one tensor at a time (e.g. calling
 * tfjs `dataSync()` per weight) instead of holding a copy of every weight at once.
 *
 * @example
 * ```ts
 * import type { WritableTensor } from "@ual/safetensors";
 *
 * const weight: WritableTensor = { dtype: "BF16", shape: [2], data: () => new Float32Array([0.5, 1.5]) };
 * ```
 */
export interface WritableTensor {
  /** The element type to store. */
  dtype: SafetensorsDtype;
  /** The dimensions, outermost first (`[]` for a scalar). */
  shape: readonly number[];
  /** The elements, or a function giving them when this tensor is written. */
  data: TensorData | (() => TensorData | Promise<TensorData>);
}
