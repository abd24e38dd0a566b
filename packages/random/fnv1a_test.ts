import { describe, expect, test } from "vitest";
import { fnv1a } from "./fnv1a.ts";

describe("fnv1a()", () => {
  test("fnv1a() gives the published 32-bit FNV-1a values", () => {
    // test vectors of the FNV reference (Landon Curt Noll's fnv_test vectors, 32-bit FNV-1a)
    expect(fnv1a("")).toBe(0x811c9dc5);
    expect(fnv1a("a")).toBe(0xe40c292c);
    expect(fnv1a("foobar")).toBe(0xbf9cf968);
  });

  test("fnv1a() is an unsigned 32-bit integer that changes with one character", () => {
    const values = ["sample-1", "sample-2", "sample-10"].map(fnv1a);
    for (const v of values) expect(Number.isInteger(v) && v >= 0 && v < 2 ** 32).toBe(true);
    expect(new Set(values).size).toBe(3);
  });
});
