import { describe, expect, test } from "vitest";
import { HOST_IS_LITTLE_ENDIAN, littleEndianBytes, swapBytesInPlace } from "./_byte_order.ts";

describe("swapBytesInPlace()", () => {
  test("reverses each element's bytes and leaves single bytes alone", () => {
    const bytes = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
    swapBytesInPlace(bytes, 4);
    expect([...bytes]).toEqual([4, 3, 2, 1, 8, 7, 6, 5]);
    swapBytesInPlace(bytes, 2);
    expect([...bytes]).toEqual([3, 4, 1, 2, 7, 8, 5, 6]);
    swapBytesInPlace(bytes, 8);
    expect([...bytes]).toEqual([6, 5, 8, 7, 2, 1, 4, 3]);
    swapBytesInPlace(bytes, 1);
    expect([...bytes]).toEqual([6, 5, 8, 7, 2, 1, 4, 3]);
  });
});

describe("littleEndianBytes()", () => {
  test("gives the file's byte order on this host", () => {
    const bytes = littleEndianBytes(new Uint32Array([0x01020304]), 4);
    expect([...bytes]).toEqual([4, 3, 2, 1]);
    expect(HOST_IS_LITTLE_ENDIAN).toBe(new Uint8Array(new Uint16Array([1]).buffer)[0] === 1);
  });
});
