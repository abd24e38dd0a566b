import { gather, log, max, neg, reshape, softmax, sub, type Tensor2D, tensor1d, tensor2d, tidy } from "@tensorflow/tfjs-core";
import type { CausalLmLike } from "./causal_lm.ts";

/** A prompt and the continuation whose probability is wanted. */
export interface Continuation {
  prompt: readonly number[];
  continuation: readonly number[];
}

/** log p(continuation | prompt) under a model. */
export interface ContinuationScore {
  /** Σ log p over the continuation's tokens (nats). */
  logProb: number;
  /** The continuation's token count. */
  tokens: number;
}

/** Options of {@linkcode scoreContinuations}. */
export interface ScoreContinuationsOptions {
  /** Sequences per forward pass (default 16). */
  batchSize?: number;
  signal?: AbortSignal;
}

/**
 * Teacher-forced log-probabilities of continuations (answers, choices, held-out responses): one
 * forward pass per batch over prompt + continuation, right-padded, reading log p of each
 * continuation token at the position before it. Sequences longer than the context keep their
 * last tokens, so the continuation is always scored. Any family: right padding keeps every row's
 * positions at 0…T−1, so the training forward (`model.logits`) serves GPT-2 and Llama alike.
 *
 * @example
 * ```ts
 * const [s] = scoreContinuations(model, [{ prompt: chatPrompt("Name a fruit.", tokenizer), continuation: [...tokenizer.encode("apple"), tokenizer.eos] }]);
 * console.log(s?.logProb);
 * ```
 */
export function scoreContinuations(model: CausalLmLike, items: readonly Continuation[], options: ScoreContinuationsOptions = {}): ContinuationScore[] {
  const batchSize = options.batchSize ?? 16;
  const { contextLength, vocabSize } = model.config;
  const out: ContinuationScore[] = [];
  for (let start = 0; start < items.length; start += batchSize) {
    options.signal?.throwIfAborted();
    const chunk = items.slice(start, start + batchSize).map((item) => {
      if (item.continuation.length === 0) throw new RangeError("scoreContinuations: an empty continuation has no probability to score");
      if (item.continuation.length >= contextLength) throw new RangeError(`scoreContinuations: a continuation of ${item.continuation.length} tokens does not fit the context length ${contextLength}`);
      const ids = [...item.prompt, ...item.continuation].slice(-contextLength);
      return { ids, first: ids.length - item.continuation.length };
    });
    const time = Math.max(...chunk.map((c) => c.ids.length));
    const padded = chunk.map((c) => [...c.ids, ...new Array<number>(time - c.ids.length).fill(0)]);
    const mask = new Uint8Array(chunk.length * time);
    chunk.forEach((c, b) => mask.fill(1, b * time, b * time + c.ids.length));
    // Only the rows that predict a continuation token, and only their target's log-probability,
    // leave the backend: never read back (or log-softmax) the whole [B, T, V].
    const rows: number[] = [];
    const targets: number[] = [];
    chunk.forEach((c, b) => {
      // the token at position j is predicted by the logits at j - 1
      for (let j = c.first; j < c.ids.length; j++) {
        rows.push(b * time + j - 1);
        targets.push(c.ids[j] as number);
      }
    });
    const picked = tidy(() => {
      const logits = reshape(model.logits(tensor2d(padded, [chunk.length, time], "int32"), mask), [chunk.length * time, vocabSize]);
      const z = gather(logits, tensor1d(rows, "int32")) as Tensor2D;
      // log p(target) = (z_t − max z) − logΣexp(z − max z), and since the shifted row's largest
      // entry is 0, logΣexp = −log(its largest probability): one fused Softmax kernel (XNNPACK on
      // wasm) instead of logSoftmax's several passes over [rows, V]
      const shifted = sub(z, max(z, 1, true));
      const logSumExp = neg(log(max(softmax(shifted), 1)));
      // row i's target: flat index i·V + target[i]
      const flat = tensor1d(targets.map((t, i) => i * vocabSize + t), "int32");
      return sub(gather(reshape(shifted, [rows.length * vocabSize]), flat), logSumExp);
    });
    const values = picked.dataSync();
    picked.dispose();
    let k = 0;
    for (const c of chunk) {
      let sum = 0;
      for (let j = c.first; j < c.ids.length; j++) sum += values[k++] as number;
      out.push({ logProb: sum, tokens: c.ids.length - c.first });
    }
  }
  return out;
}
