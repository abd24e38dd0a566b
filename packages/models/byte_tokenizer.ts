import type { Tokenizer } from "./tokenizer.ts";

/** The byte tokenizer's special ids: after the 256 byte values. */
export const BYTE_TOKENIZER_SPECIALS = { bos: 256, eos: 257, pad: 258 } as const;

/**
 * The built-in byte-level tokenizer: one id per UTF-8 byte (0–255), plus BOS 256, EOS 257 and
 * PAD 258 — 259 ids in all. Needs no file, handles any text, and makes the smallest models
 * (vocabulary 259 instead of tens of thousands) useful for tests and demos.
 *
 * @example
 * ```ts
 * import { createByteTokenizer } from "@ual/models";
 *
 * const tok = createByteTokenizer();
 * tok.encode("hé"); // [104, 195, 169]
 * tok.decode([104, 195, 169, 257]); // "hé"
 * ```
 */
export function createByteTokenizer(): Tokenizer {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder("utf-8");
  return {
    name: "byte",
    vocabSize: 259,
    ...BYTE_TOKENIZER_SPECIALS,
    encode: (text) => Array.from(encoder.encode(text)),
    decode: (ids) => {
      const bytes: number[] = [];
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i] as number;
        if (id >= 0 && id < 256) bytes.push(id);
      }
      return decoder.decode(new Uint8Array(bytes));
    },
  };
}
