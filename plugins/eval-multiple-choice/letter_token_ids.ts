/**
 * For each letter, every token id whose text is that letter once a leading space or SentencePiece
 * `▁` is trimmed: "A", " A" (GPT-2's `ĠA`) and "▁A" all count as A, "A." and "a" do not. These are
 * the tokens the reference's Best-of-N accepts for a gold letter (it compares the decode of one
 * sampled token with the letter, spec §6.1), so P_gold is their total probability.
 *
 * @param decode the text of one token id (special tokens decode to "" and match nothing)
 * @param vocabSize ids 0 … vocabSize − 1 are tried
 *
 * @example
 * ```ts
 * import { createByteTokenizer } from "@ual/models";
 * const tokenizer = createByteTokenizer();
 * letterTokenIds((id) => tokenizer.decode([id]), tokenizer.vocabSize, ["A", "B"]); // Map { "A" => [65], "B" => [66] }
 * ```
 */
export function letterTokenIds(decode: (id: number) => string, vocabSize: number, letters: readonly string[]): Map<string, number[]> {
  const out = new Map<string, number[]>(letters.map((letter) => [letter, []]));
  for (let id = 0; id < vocabSize; id++) {
    const text = decode(id).replace(/^[\s\u2581]+/, "");
    out.get(text)?.push(id);
  }
  return out;
}
