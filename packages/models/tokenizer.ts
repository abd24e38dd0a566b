/**
 * What the trainer and evaluators need of a tokenizer: text ↔ ids, the vocabulary size (the
 * smallest model vocabulary that fits every id), and the special tokens the chat template uses.
 */
export interface Tokenizer {
  /** What it is, for logs and checkpoints (`byte`, or the tokenizer.json path's model type). */
  readonly name: string;
  /** 1 + the largest id it can produce. */
  readonly vocabSize: number;
  /** Begin-of-sequence id (placed before every turn, spec §5.4). */
  readonly bos: number;
  /** End-of-sequence id (placed after every turn's response). */
  readonly eos: number;
  /** Padding id (dynamic padding; never a target). */
  readonly pad: number;
  /** The ids of `text`, without special tokens. */
  encode(text: string): number[];
  /** The text of `ids`; special tokens are left out. */
  decode(ids: ArrayLike<number>): string;
}
