import { SAFETENSORS_MAX_HEADER_BYTES } from "./constants.ts";
import { dtypeSize, isSafetensorsDtype, SAFETENSORS_DTYPES, type SafetensorsDtype } from "./dtypes.ts";
import { PREFIX_BYTES } from "./_header_length.ts";
import { checkTensorData } from "./_tensor_bytes.ts";
import { SafetensorsError } from "./safetensors_error.ts";
import type { WritableTensor } from "./tensor.ts";

/** One tensor's place in the file to be written. */
export interface PlannedTensor {
  name: string;
  dtype: SafetensorsDtype;
  count: number;
  /** Offset in the data region. */
  begin: number;
  end: number;
  data: WritableTensor["data"];
}

/** The file to be written: its first bytes (length + padded JSON) and where each tensor goes. */
export interface Layout {
  prefix: Uint8Array;
  tensors: PlannedTensor[];
  dataLength: number;
}

const encoder = new TextEncoder();
const LONE_SURROGATE = /\p{Surrogate}/u;

// Rust orders String by UTF-8 bytes; JavaScript's `<` by UTF-16 code units, which disagree for
// names mixing characters above U+FFFF with ones in U+E000–U+FFFF. Comparing the UTF-8 bytes
// keeps our order identical to the reference writer's.
function compareUtf8(a: string, b: string): number {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

function checkMetadata(metadata: unknown, file: string): [string, string][] {
  if (metadata === undefined) return [];
  if (typeof metadata !== "object" || metadata === null || Array.isArray(metadata)) {
    throw new SafetensorsError("INPUT_INVALID", "metadata must be an object of strings.", { file });
  }
  const entries = Object.entries(metadata);
  for (const [key, value] of entries) {
    if (typeof value !== "string") {
      throw new SafetensorsError("INPUT_INVALID", `metadata ${JSON.stringify(key)} must be a string (the format allows only strings), got ${typeof value}.`, { file });
    }
  }
  return entries as [string, string][];
}

/**
 * Checks the tensors and lays them out as the reference writer does (huggingface/safetensors
 * `prepare`): by descending dtype alignment, then by name, packed back to back. Because the
 * header is padded with spaces to a multiple of 8, the data region starts 8-byte aligned and
 * every tensor starts at a multiple of its own element size.
 */
export function planLayout(tensors: Readonly<Record<string, WritableTensor>>, metadata: unknown, file: string): Layout {
  const metadataEntries = checkMetadata(metadata, file);
  if (typeof tensors !== "object" || tensors === null) {
    throw new SafetensorsError("INPUT_INVALID", "tensors must be an object of { dtype, shape, data } by name.", { file });
  }
  const rank = (dtype: SafetensorsDtype): number => SAFETENSORS_DTYPES.indexOf(dtype);
  const entries = Object.entries(tensors).map(([name, tensor]) => {
    const where = { file, tensor: name };
    if (name === "__metadata__") throw new SafetensorsError("INPUT_INVALID", `"__metadata__" is reserved for the metadata and cannot name a tensor.`, where);
    if (LONE_SURROGATE.test(name)) throw new SafetensorsError("INPUT_INVALID", "the name contains a lone UTF-16 surrogate, which UTF-8 (and so the file) cannot hold.", where);
    const { dtype, shape, data } = (tensor ?? {}) as Partial<WritableTensor>;
    if (!isSafetensorsDtype(dtype)) {
      throw new SafetensorsError("INPUT_INVALID", `unknown dtype ${JSON.stringify(dtype)}; expected one of ${SAFETENSORS_DTYPES.join(", ")}.`, where);
    }
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new SafetensorsError("INPUT_INVALID", `shape must be a list of non-negative integers, got ${JSON.stringify(shape)}.`, where);
    }
    const count = shape.reduce((product: number, d: number) => product * d, 1);
    if (!Number.isSafeInteger(count * dtypeSize(dtype))) {
      throw new SafetensorsError("INPUT_INVALID", `shape [${shape.join(", ")}] has more elements than a file can hold.`, where);
    }
    // Eager data is checked now, before a temporary file exists; lazy data when it arrives.
    if (typeof data !== "function") checkTensorData(dtype, count, data, where);
    return { name, dtype, shape: shape as number[], count, data: data as WritableTensor["data"] };
  });
  entries.sort((a, b) => rank(b.dtype) - rank(a.dtype) || compareUtf8(a.name, b.name));

  let offset = 0;
  const planned: PlannedTensor[] = [];
  const parts: string[] = [];
  if (metadataEntries.length > 0) {
    parts.push(`"__metadata__":{${metadataEntries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(",")}}`);
  }
  for (const entry of entries) {
    const begin = offset;
    offset += entry.count * dtypeSize(entry.dtype);
    planned.push({ name: entry.name, dtype: entry.dtype, count: entry.count, begin, end: offset, data: entry.data });
    // Written by hand rather than JSON.stringify(object): objects put integer-like keys first,
    // and the header should list tensors in data order, as the reference writer does.
    parts.push(`${JSON.stringify(entry.name)}:{"dtype":"${entry.dtype}","shape":[${entry.shape.join(",")}],"data_offsets":[${begin},${offset}]}`);
  }
  const json = encoder.encode(`{${parts.join(",")}}`);
  const headerLength = Math.ceil(json.length / 8) * 8;
  if (headerLength > SAFETENSORS_MAX_HEADER_BYTES) {
    throw new SafetensorsError(
      "INPUT_INVALID",
      `the header would take ${headerLength} bytes, above the ${SAFETENSORS_MAX_HEADER_BYTES}-byte limit readers enforce; store fewer tensors or shorter names per file.`,
      { file },
    );
  }
  const prefix = new Uint8Array(PREFIX_BYTES + headerLength).fill(0x20); // pad with spaces, as JSON allows
  new DataView(prefix.buffer).setBigUint64(0, BigInt(headerLength), true);
  prefix.set(json, PREFIX_BYTES);
  return { prefix, tensors: planned, dataLength: offset };
}
