/** What was wrong, as a stable code for programs; the message says it for people. */
export type SafetensorsErrorCode =
  /** The file is shorter than the 8-byte header length. */
  | "HEADER_TOO_SMALL"
  /** The header length exceeds {@linkcode SAFETENSORS_MAX_HEADER_BYTES}. */
  | "HEADER_TOO_LARGE"
  /** The header length points past the end of the file. */
  | "HEADER_LENGTH"
  /** The header is not UTF-8, not JSON, or not a JSON object. */
  | "HEADER_INVALID"
  /** A tensor name appears twice in the header (JSON.parse would silently keep the last). */
  | "DUPLICATE_NAME"
  /** `__metadata__` is not an object of strings. */
  | "METADATA_INVALID"
  /** A tensor entry lacks `dtype`, `shape` or `data_offsets`, or has the wrong types. */
  | "TENSOR_INVALID"
  /** A dtype the format does not define. */
  | "DTYPE_UNKNOWN"
  /** A dtype the format defines (FP8, complex, …) that this package does not read or write. */
  | "DTYPE_UNSUPPORTED"
  /** A shape that is not a list of non-negative integers. */
  | "SHAPE_INVALID"
  /** Offsets that are not integers, run backwards or past the end of the data. */
  | "OFFSETS_INVALID"
  /** `end − begin` differs from product(shape) × dtype size. */
  | "BYTE_LENGTH"
  /** Two tensors share bytes. */
  | "OVERLAP"
  /** Bytes of the data region that no tensor covers (a gap, or trailing bytes). */
  | "GAP"
  /** The file became shorter while it was read. */
  | "TRUNCATED"
  /** A tensor that was asked for is not in the file or checkpoint. */
  | "TENSOR_NOT_FOUND"
  /** A tensor too large for one JavaScript array. */
  | "TOO_LARGE"
  /** `model.safetensors.index.json` is malformed or disagrees with its shards. */
  | "INDEX_INVALID"
  /** A folder that holds neither `model.safetensors` nor `model.safetensors.index.json`. */
  | "NOT_A_CHECKPOINT"
  /** Tensors handed to the writer that it cannot write as described. */
  | "INPUT_INVALID";

/**
 * Every problem this package reports: a malformed file, a missing tensor, or input the writer
 * cannot write. The message names the file and the tensor; `code` is for programs.
 *
 * @example
 * ```ts
 * import { readSafetensorsHeader, SafetensorsError } from "@ual/safetensors";
 *
 * try {
 *   await readSafetensorsHeader("model.safetensors");
 * } catch (error) {
 *   if (error instanceof SafetensorsError && error.code === "HEADER_LENGTH") console.error(error.message);
 * }
 * ```
 */
export class SafetensorsError extends Error {
  /** What was wrong. */
  readonly code: SafetensorsErrorCode;
  /** The file (or `"<bytes>"` for an in-memory buffer) the problem is in, when there is one. */
  readonly file: string | undefined;
  /** The tensor the problem is about, when there is one. */
  readonly tensor: string | undefined;

  /**
   * @param code What was wrong.
   * @param problem The sentence for people, without the file and tensor (they are prefixed).
   * @param where The file and tensor the problem is in.
   */
  constructor(code: SafetensorsErrorCode, problem: string, where: { file?: string; tensor?: string; cause?: unknown } = {}) {
    const prefix = [where.file, where.tensor === undefined ? undefined : `tensor ${JSON.stringify(where.tensor)}`]
      .filter((part) => part !== undefined)
      .join(": ");
    super(prefix === "" ? problem : `${prefix}: ${problem}`, where.cause === undefined ? undefined : { cause: where.cause });
    this.name = "SafetensorsError";
    this.code = code;
    this.file = where.file;
    this.tensor = where.tensor;
  }
}
