import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { iterateSafetensors } from "./iterate_safetensors.ts";
import { readSafetensorsHeader } from "./read_safetensors_header.ts";
import { writeSafetensors } from "./write_safetensors.ts";
import { EXPECTED, FIXTURES, temporaryDirectory } from "./_test_util.ts";

const dir = temporaryDirectory();

function openFileCount(): number {
  return readdirSync("/proc/self/fd").length;
}

describe("iterateSafetensors()", () => {
  test("yields the tensors one at a time in file order", async () => {
    const path = join(FIXTURES, "dtypes.safetensors");
    const header = await readSafetensorsHeader(path);
    const names: string[] = [];
    for await (const [name, tensor] of iterateSafetensors(path)) {
      names.push(name);
      expect(tensor.dtype).toBe(header.tensors[name]!.dtype);
    }
    const byOffset = Object.entries(header.tensors).sort(([, a], [, b]) => a.begin - b.begin || a.end - b.end).map(([n]) => n);
    expect(names).toEqual(byOffset);
    expect(names.sort()).toEqual(Object.keys(EXPECTED.files["dtypes.safetensors"]!.tensors).sort());
  });

  test("widens F16 and BF16 to F32 on the way", async () => {
    const dtypes = new Map<string, string>();
    for await (const [name, tensor] of iterateSafetensors(join(FIXTURES, "dtypes.safetensors"), { widen: true, names: ["f16", "bf16", "i8"] })) {
      dtypes.set(name, tensor.dtype);
      if (tensor.dtype === "F32") expect(tensor.data).toBeInstanceOf(Float32Array);
    }
    expect(Object.fromEntries(dtypes)).toEqual({ f16: "F32", bf16: "F32", i8: "I8" });
  });

  test.skipIf(process.platform !== "linux")("closes the file when the loop ends early, and when it runs out", async () => {
    const path = join(dir, "many.safetensors");
    const tensors = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`t${i}`, { dtype: "F32" as const, shape: [4], data: new Float32Array(4) }]));
    await writeSafetensors(path, tensors);
    const before = openFileCount();
    for await (const [name] of iterateSafetensors(path)) if (name === "t3") break;
    expect(openFileCount()).toBe(before);
    for await (const entry of iterateSafetensors(path)) expect(entry).toBeDefined();
    expect(openFileCount()).toBe(before);
  });

  test("opens nothing until the first tensor is asked for; a bad file fails then", async () => {
    const iterator = iterateSafetensors(join(FIXTURES, "no-such-file.safetensors"));
    await expect(iterator.next()).rejects.toThrow(/ENOENT/);
  });
});
