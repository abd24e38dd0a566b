import { BYTE_TO_UNICODE } from "./_byte_unicode.ts";
import { preTokenize } from "./_pre_tokenize.ts";
import type { BpeModel } from "./bpe_model.ts";

/**
 * Encodes `text` with a trained BPE the way Hugging Face's BPE model does (a reference for tests
 * and a tokenizer for scripts that have no tokenizer.json loader at hand): special tokens are
 * split out whole, the rest is cut by GPT-2's pattern, and in each piece the adjacent pair with
 * the lowest merge rank is merged first, the leftmost among equals, until no merge applies.
 * Quadratic in a piece's length; fine for words, slow for a megabyte without spaces.
 *
 * @example
 * ```ts
 * import { bpeEncode, trainBpe } from "@ual/bpe";
 *
 * const bpe = trainBpe(["hi hi hi"], { vocabSize: 260 });
 * bpeEncode(bpe, "hi<|endoftext|>"); // [… ids of "hi" …, 0]
 * ```
 */
export function bpeEncode(model: BpeModel, text: string): number[] {
  const ids = new Map(model.vocab.map((t, i) => [t, i]));
  const rank = new Map(model.merges.map(([a, b], i) => [`${a} ${b}`, i]));
  const encoder = new TextEncoder();
  const out: number[] = [];
  const encodePart = (part: string) => {
    for (const piece of preTokenize(part)) {
      const symbols = [...encoder.encode(piece)].map((b) => BYTE_TO_UNICODE[b] as string);
      for (;;) {
        let best = -1;
        let bestRank = Infinity;
        for (let i = 0; i + 1 < symbols.length; i++) {
          const r = rank.get(`${symbols[i]} ${symbols[i + 1]}`);
          if (r !== undefined && r < bestRank) {
            bestRank = r;
            best = i;
          }
        }
        if (best < 0) break;
        symbols.splice(best, 2, (symbols[best] as string) + (symbols[best + 1] as string));
      }
      for (const s of symbols) out.push(ids.get(s) as number);
    }
  };
  let rest = text;
  for (;;) {
    let at = -1;
    let special = "";
    for (const s of model.specialTokens) {
      const i = rest.indexOf(s);
      if (i >= 0 && (at < 0 || i < at)) {
        at = i;
        special = s;
      }
    }
    if (at < 0) break;
    encodePart(rest.slice(0, at));
    out.push(ids.get(special) as number);
    rest = rest.slice(at + special.length);
  }
  encodePart(rest);
  return out;
}
