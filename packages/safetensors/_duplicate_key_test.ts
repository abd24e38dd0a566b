import { describe, expect, test } from "vitest";
import { firstDuplicateKey } from "./_duplicate_key.ts";

describe("firstDuplicateKey()", () => {
  test("finds a repeated top-level key, also when spelled with escapes", () => {
    expect(firstDuplicateKey('{"a":1,"b":2,"a":3}')).toBe("a");
    expect(firstDuplicateKey('{"a":1, "\\u0061" : 2}')).toBe("a");
    expect(firstDuplicateKey('{"q\\"x":1,"q\\"x":2}')).toBe('q"x');
  });

  test("ignores keys of nested objects and strings that look like keys", () => {
    expect(firstDuplicateKey('{"a":{"dtype":"F32","shape":[1]},"b":{"dtype":"F32","shape":[1]}}')).toBeUndefined();
    expect(firstDuplicateKey('{"a":"\\",\\"a\\":","b":["a","a"]}')).toBeUndefined();
    expect(firstDuplicateKey("{}   ")).toBeUndefined();
  });
});
