import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fitToContext } from "./fit_to_context.ts";

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe("fitToContext()", () => {
  it("fitToContext() leaves an item that fits untouched", () => {
    expect(fitToContext({ prompt: [1, 2], continuation: [3, 4] }, 4)).toEqual({ prompt: [1, 2], continuation: [3, 4], promptCut: 0, continuationCut: 0 });
  });

  it("fitToContext() drops the start of a long prompt and keeps the whole answer", () => {
    expect(fitToContext({ prompt: range(0, 10), continuation: [20, 21, 22] }, 6)).toEqual({ prompt: [7, 8, 9], continuation: [20, 21, 22], promptCut: 7, continuationCut: 0 });
  });

  it("fitToContext() keeps the start of an answer longer than the context, and one prompt token", () => {
    expect(fitToContext({ prompt: [1, 2, 3], continuation: range(10, 20) }, 5)).toEqual({ prompt: [3], continuation: [10, 11, 12, 13], promptCut: 2, continuationCut: 6 });
    // An answer of exactly contextLength - 1 tokens just fits.
    expect(fitToContext({ prompt: [1, 2], continuation: [10, 11, 12] }, 4)).toMatchObject({ prompt: [2], continuationCut: 0 });
  });

  it("fitToContext() always fits the context with a prompt token, and only cuts what it must", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 60 }), fc.integer({ min: 2, max: 50 }), (p, c, context) => {
        const item = { prompt: range(0, p), continuation: range(100, 100 + c) };
        const fitted = fitToContext(item, context);
        expect(fitted.prompt.length).toBeGreaterThanOrEqual(1);
        expect(fitted.prompt.length + fitted.continuation.length).toBeLessThanOrEqual(context);
        expect(fitted.prompt).toEqual(item.prompt.slice(fitted.promptCut));
        expect(fitted.continuation).toEqual(item.continuation.slice(0, c - fitted.continuationCut));
        if (p + c <= context) expect(fitted.promptCut + fitted.continuationCut).toBe(0);
        if (c < context) expect(fitted.continuationCut).toBe(0);
      }),
    );
  });

  it("fitToContext() rejects an empty prompt and a context too small for an answer", () => {
    expect(() => fitToContext({ prompt: [], continuation: [1] }, 8)).toThrow(/at least one token/);
    expect(() => fitToContext({ prompt: [1], continuation: [1] }, 1)).toThrow(/cannot hold/);
  });
});
