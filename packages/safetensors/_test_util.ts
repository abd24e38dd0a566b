// Helpers shared by the tests: the numpy fixtures and their expected values, temporary folders,
// hand-made (possibly malformed) files, and an assertion for this package's errors.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect } from "vitest";
import { SafetensorsError, type SafetensorsErrorCode } from "./safetensors_error.ts";

export const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));

/** A value in expected.json: a number, or a string for NaN, ±Infinity and 64-bit integers. */
export type ExpectedValue = number | string;

export interface ExpectedTensor {
  dtype: string;
  shape: number[];
  values: ExpectedValue[];
  /** F16/BF16 only: the raw bits. */
  bits?: number[];
}

export interface ExpectedFile {
  metadata: Record<string, string>;
  tensors: Record<string, ExpectedTensor>;
}

export interface Expected {
  torch: string | null;
  bf16_source: string;
  files: Record<string, ExpectedFile>;
  sharded_index: { total_size: number; weight_map: Record<string, string> };
  conversions: { float32_bits: number[]; bfloat16_bits: number[]; float16_bits: number[] };
}

export const EXPECTED = JSON.parse(readFileSync(join(FIXTURES, "expected.json"), "utf8")) as Expected;

/** An expected value as a number (floats) or bigint (64-bit integers). */
export function expectedValue(value: ExpectedValue, dtype: string): number | bigint {
  if (dtype === "I64" || dtype === "U64") return BigInt(value);
  if (value === "NaN") return Number.NaN;
  if (value === "Infinity") return Number.POSITIVE_INFINITY;
  if (value === "-Infinity") return Number.NEGATIVE_INFINITY;
  return value as number;
}

/** Element-wise equality that tells -0 from 0 and counts NaN equal to NaN. */
export function expectSameValues(actual: ArrayLike<number | bigint>, expected: ArrayLike<number | bigint>, label: string): void {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expect(Object.is(actual[i], expected[i]), `${label}[${i}]: ${String(actual[i])} vs ${String(expected[i])}`).toBe(true);
  }
}

/** A fresh temporary folder, removed after the test file. */
export function temporaryDirectory(): string {
  const dir = mkdtempSync(join(tmpdir(), "ual-safetensors-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * The bytes of a hand-made file: a header (an object, serialised as is, or raw text), then
 * `data` (bytes, or that many zero bytes). `length` overrides the 8-byte header length.
 */
export function craft(header: object | string, data: Uint8Array | number = 0, length?: bigint): Uint8Array {
  const json = new TextEncoder().encode(typeof header === "string" ? header : JSON.stringify(header));
  const body = typeof data === "number" ? new Uint8Array(data) : data;
  const bytes = new Uint8Array(8 + json.length + body.length);
  new DataView(bytes.buffer).setBigUint64(0, length ?? BigInt(json.length), true);
  bytes.set(json, 8);
  bytes.set(body, 8 + json.length);
  return bytes;
}

let counter = 0;

/** Writes bytes to a new file in `dir` and returns its path. */
export function writeTemporary(dir: string, bytes: Uint8Array, name = `file-${counter++}.safetensors`): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** Awaits `action` and checks it failed with a SafetensorsError of `code` whose message has every fragment. */
export async function expectSafetensorsError(
  action: Promise<unknown> | (() => unknown),
  code: SafetensorsErrorCode,
  ...fragments: string[]
): Promise<SafetensorsError> {
  let caught: unknown;
  try {
    await (typeof action === "function" ? action() : action);
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected a SafetensorsError ${code}`).toBeInstanceOf(SafetensorsError);
  const error = caught as SafetensorsError;
  expect(error.code, error.message).toBe(code);
  for (const fragment of fragments) expect(error.message).toContain(fragment);
  return error;
}
