import { BYTE_TO_UNICODE } from "./_byte_unicode.ts";
import { PairHeap } from "./_pair_heap.ts";
import { preTokenize } from "./_pre_tokenize.ts";
import type { BpeModel } from "./bpe_model.ts";

/** Options of {@linkcode trainBpe}. */
export interface TrainBpeOptions {
  /** The vocabulary's size: special tokens + 256 bytes + merges. At least specials + 256; at most 65536. */
  vocabSize: number;
  /** Tokens that are never split or learned from, ids 0…; default `["<|endoftext|>"]`. */
  specialTokens?: readonly string[];
  /** A pair must occur at least this often to be merged (default 2); training stops early otherwise. */
  minFrequency?: number;
  /** Checked between merges. */
  signal?: AbortSignal;
}

// Pair keys pack two ids of < 2^16 into one number: left · 2^16 + right, so that a smaller key
// is the pair with the smaller left id, then the smaller right id.
const SHIFT = 65536;

/**
 * Trains a byte-level BPE on `texts` as GPT-2's tokenizer was trained: the text is cut into
 * pieces by GPT-2's pre-tokenization pattern (a word keeps its leading space), each piece is its
 * UTF-8 bytes, and the most frequent adjacent pair of tokens across all pieces is merged into a
 * new token, again and again, until the vocabulary has `vocabSize` tokens. Every byte is in the
 * vocabulary, so any text can be encoded.
 *
 * Deterministic: among pairs of equal count, the one with the smaller left token id wins, then the
 * smaller right id (older tokens first). Pair counts are updated incrementally — only the
 * pieces that contain the merged pair are re-counted — so a few MB train in seconds. Special
 * tokens met in a text split it and are not learned from.
 *
 * @example
 * ```ts
 * import { trainBpe } from "@ual/bpe";
 *
 * const bpe = trainBpe(["low lower lowest", "new newer newest"], { vocabSize: 270 });
 * bpe.merges[0]; // ["Ġ", "l"]: the most frequent pair first
 * ```
 */
export function trainBpe(texts: Iterable<string>, options: TrainBpeOptions): BpeModel {
  const specialTokens = [...(options.specialTokens ?? ["<|endoftext|>"])];
  const minFrequency = options.minFrequency ?? 2;
  const base = specialTokens.length + 256;
  if (!Number.isInteger(options.vocabSize) || options.vocabSize < base || options.vocabSize > SHIFT) {
    throw new RangeError(`trainBpe: vocabSize ${options.vocabSize} must be an integer from ${base} (${specialTokens.length} special tokens + 256 bytes) to ${SHIFT}`);
  }
  if (new Set(specialTokens).size !== specialTokens.length || specialTokens.some((t) => t === "")) {
    throw new Error(`trainBpe: the special tokens ${JSON.stringify(specialTokens)} must be distinct and non-empty`);
  }

  // Piece → occurrences; a piece's symbols are token ids (bytes first: id = base − 256 + byte).
  const pieceCounts = new Map<string, number>();
  const encoder = new TextEncoder();
  for (const text of texts) {
    for (const part of splitOnSpecials(text, specialTokens)) {
      for (const piece of preTokenize(part)) pieceCounts.set(piece, (pieceCounts.get(piece) ?? 0) + 1);
    }
  }
  const words: number[][] = [];
  const counts: number[] = [];
  // Sorted so that the word order, and with it everything after, does not depend on the texts' order of first sight.
  for (const piece of [...pieceCounts.keys()].sort()) {
    words.push([...encoder.encode(piece)].map((b) => base - 256 + b));
    counts.push(pieceCounts.get(piece) as number);
  }

  const pairCount = new Map<number, number>();
  const pairWords = new Map<number, Set<number>>();
  const addPairs = (w: number, sign: 1 | -1, changed: Set<number>) => {
    const symbols = words[w] as number[];
    const n = counts[w] as number;
    for (let i = 0; i + 1 < symbols.length; i++) {
      const key = (symbols[i] as number) * SHIFT + (symbols[i + 1] as number);
      pairCount.set(key, (pairCount.get(key) ?? 0) + sign * n);
      changed.add(key);
      if (sign > 0) {
        let set = pairWords.get(key);
        if (set === undefined) pairWords.set(key, (set = new Set()));
        set.add(w);
      }
    }
  };
  const initial = new Set<number>();
  for (let w = 0; w < words.length; w++) addPairs(w, 1, initial);
  const heap = new PairHeap();
  for (const key of initial) heap.push(pairCount.get(key) as number, key);

  const vocab: string[] = [...specialTokens, ...BYTE_TO_UNICODE];
  const merges: Array<[string, string]> = [];
  while (vocab.length < options.vocabSize) {
    if (options.signal?.aborted) throw options.signal.reason ?? new Error("trainBpe: aborted");
    const top = heap.pop();
    if (top === undefined) break;
    const current = pairCount.get(top.key) ?? 0;
    if (current !== top.count) continue; // stale entry; the current count was pushed when it changed
    if (current < minFrequency) break;
    const left = Math.floor(top.key / SHIFT);
    const right = top.key % SHIFT;
    const merged = vocab.length;
    vocab.push((vocab[left] as string) + (vocab[right] as string));
    merges.push([vocab[left] as string, vocab[right] as string]);
    const changed = new Set<number>();
    // Ascending word order: the same updates in the same order on every run.
    for (const w of [...(pairWords.get(top.key) ?? [])].sort((a, b) => a - b)) {
      const symbols = words[w] as number[];
      if (!containsPair(symbols, left, right)) continue; // merged away since it was indexed
      addPairs(w, -1, changed);
      const next: number[] = [];
      for (let i = 0; i < symbols.length; i++) {
        // Left to right, non-overlapping: "a a a" with the merge (a, a) becomes "aa a", as encoding does.
        if (i + 1 < symbols.length && symbols[i] === left && symbols[i + 1] === right) {
          next.push(merged);
          i++;
        } else next.push(symbols[i] as number);
      }
      words[w] = next;
      addPairs(w, 1, changed);
    }
    pairWords.delete(top.key);
    for (const key of changed) {
      const c = pairCount.get(key) as number;
      if (c <= 0) {
        pairCount.delete(key);
        pairWords.delete(key);
      } else heap.push(c, key);
    }
  }
  return { vocab, merges, specialTokens };
}

function containsPair(symbols: readonly number[], left: number, right: number): boolean {
  for (let i = 0; i + 1 < symbols.length; i++) if (symbols[i] === left && symbols[i + 1] === right) return true;
  return false;
}

/** The text between special tokens (which are never learned from). */
function splitOnSpecials(text: string, specials: readonly string[]): string[] {
  let parts = [text];
  for (const s of specials) parts = parts.flatMap((p) => p.split(s));
  return parts.filter((p) => p !== "");
}
