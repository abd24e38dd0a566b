import { gather, reshape, type Tensor2D, tensor1d, tensor2d, tidy } from "@tensorflow/tfjs-core";
import type { CausalLmLike } from "@ual/models";

/**
 * The most logits one forward pass may hold (2^26 floats = 256 MiB). `model.logits` returns all
 * [batch, time, vocab] of them although only the last row per prompt is wanted, so with a 32k
 * vocabulary and 512-token prompts a batch is cut to ~4 prompts instead of exhausting the heap.
 */
const MAX_LOGITS_PER_PASS = 2 ** 26;

/**
 * The logits at each prompt's last position — the next-token distribution after `# Answer:\n` —
 * in batches of right-padded prompts (a causal model's real positions never see the padding).
 * Only [batch, vocab] rows leave the tidy; the model's [batch, time, vocab] output is freed in it.
 */
export function lastPositionLogits(model: CausalLmLike, prompts: readonly (readonly number[])[], options: { batchSize: number; signal?: AbortSignal }): Float32Array[] {
  const { vocabSize } = model.config;
  const out: Float32Array[] = [];
  let start = 0;
  while (start < prompts.length) {
    options.signal?.throwIfAborted();
    // grow the batch while it stays within batchSize and the logits budget (always at least one prompt)
    let end = start + 1;
    let time = (prompts[start] as readonly number[]).length;
    while (end < prompts.length && end - start < options.batchSize) {
      const longer = Math.max(time, (prompts[end] as readonly number[]).length);
      if ((end - start + 1) * longer * vocabSize > MAX_LOGITS_PER_PASS) break;
      time = longer;
      end++;
    }
    const chunk = prompts.slice(start, end);
    const padded = chunk.map((p) => [...p, ...new Array<number>(time - p.length).fill(0)]);
    const mask = new Uint8Array(chunk.length * time);
    chunk.forEach((p, b) => mask.fill(1, b * time, b * time + p.length));
    const rows = tidy(() => {
      const logits = model.logits(tensor2d(padded, [chunk.length, time], "int32"), mask);
      const last = tensor1d(chunk.map((p, b) => b * time + p.length - 1), "int32");
      return gather(reshape(logits, [chunk.length * time, vocabSize]) as Tensor2D, last);
    });
    const values = rows.dataSync() as Float32Array;
    rows.dispose();
    chunk.forEach((_, b) => out.push(values.slice(b * vocabSize, (b + 1) * vocabSize)));
    start = end;
  }
  return out;
}
