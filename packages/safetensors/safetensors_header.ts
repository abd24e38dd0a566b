import type { SafetensorsDtype } from "./dtypes.ts";

/**
 * Where one tensor's bytes are: `begin` and `end` count from the start of the data region
 * (`dataOffset` bytes into the file), as the header's `data_offsets` do.
 */
export interface SafetensorsTensorInfo {
  /** The element type. */
  dtype: SafetensorsDtype;
  /** The dimensions, outermost first (`[]` for a scalar). */
  shape: number[];
  /** The first byte, relative to the data region. */
  begin: number;
  /** One past the last byte, relative to the data region. */
  end: number;
}

/**
 * A validated safetensors header: every tensor's place, the `__metadata__` strings, and where the
 * data region starts in the file (8 + the JSON header's length).
 */
export interface SafetensorsHeader {
  /** Each tensor by name. Keys are in data order, except that integer-like names come first (JavaScript objects sort those). */
  tensors: Record<string, SafetensorsTensorInfo>;
  /** The header's `__metadata__` (string to string), or `{}` when absent. */
  metadata: Record<string, string>;
  /** The byte offset in the file where the data region, and so every `begin`, starts. */
  dataOffset: number;
}
