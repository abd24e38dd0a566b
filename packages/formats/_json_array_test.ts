import { describe, expect, it } from "vitest";
import { JsonArrayStructureError, splitJsonArray } from "./_json_array.ts";

describe("splitJsonArray()", () => {
  it("splitJsonArray() cuts a pretty-printed array into elements with their start lines", () => {
    const text = '[\n  {"a": 1},\n  {\n    "b": "x, ] } [ \\" {"\n  },\n  [1, [2]], "s", 3, true, null\n]\n';
    const elements = splitJsonArray(text);
    expect(elements.map((e) => [e.index, e.line, e.text])).toEqual([
      [1, 2, '{"a": 1}'],
      [2, 3, '{\n    "b": "x, ] } [ \\" {"\n  }'],
      [3, 6, "[1, [2]]"],
      [4, 6, '"s"'],
      [5, 6, "3"],
      [6, 6, "true"],
      [7, 6, "null"],
    ]);
    for (const element of elements) expect(() => JSON.parse(element.text)).not.toThrow();
  });

  it("splitJsonArray() handles an empty array, a byte-order mark and a one-line array", () => {
    expect(splitJsonArray(" [ ] ")).toEqual([]);
    expect(splitJsonArray('\uFEFF[{"a":1},{"a":2}]').map((e) => [e.index, e.line])).toEqual([
      [1, 1],
      [2, 1],
    ]);
  });

  it("splitJsonArray() leaves a bad element to the parser instead of failing the array", () => {
    const elements = splitJsonArray('[{"a": 1},\n{"a": },\n,\n{"b": 2}]');
    expect(elements.map((e) => e.text)).toEqual(['{"a": 1}', '{"a": }', "", '{"b": 2}']);
    expect(elements.map((e) => e.line)).toEqual([1, 2, 3, 4]);
  });

  it("splitJsonArray() throws JsonArrayStructureError with a line for a broken array", () => {
    const cases: Array<[string, number, string]> = [
      ['{"a": 1}', 1, 'expected "[" to open a JSON array'],
      ['[\n{"a": 1},\n{"a": 2}\n', 3, 'the JSON array is never closed (missing "]")'],
      ['[\n{"a": "open\n]', 2, "a string is never closed"],
      ['[{"a": 1}]\n[{"b": 2}]', 2, 'unexpected text after the "]" that closes the JSON array'],
      ['[{"a": 1}}]', 1, 'unexpected "}" where the array should continue or end'],
    ];
    for (const [text, line, message] of cases) {
      let caught: unknown;
      try {
        splitJsonArray(text);
      } catch (error) {
        caught = error;
      }
      expect(caught, text).toBeInstanceOf(JsonArrayStructureError);
      expect((caught as JsonArrayStructureError).line, text).toBe(line);
      expect((caught as JsonArrayStructureError).message, text).toBe(message);
    }
  });
});
