/** A trained byte-level BPE: what a `tokenizer.json` records. */
export interface BpeModel {
  /**
   * Token text by id: the special tokens first (ids 0…), then the 256 bytes in byte order, spelled
   * in GPT-2's byte→unicode characters (a space is "Ġ"), then one token per merge, in merge order.
   */
  readonly vocab: readonly string[];
  /** The merges in the order they were learned (their rank): each pair's two token texts. */
  readonly merges: ReadonlyArray<readonly [string, string]>;
  /** The special tokens' texts (ids 0 … n−1), e.g. `["<|endoftext|>"]`. */
  readonly specialTokens: readonly string[];
}
