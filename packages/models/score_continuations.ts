import { concat, gather, reshape, type Tensor2D, tensor1d, tensor2d, tidy } from "@tensorflow/tfjs-core";
import { targetLogProbs } from "@ual/nn";
import { type CausalLm, causalLm, type CausalLmLike } from "./causal_lm.ts";

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
  /** Continuations per forward pass (default 16). */
  batchSize?: number;
  signal?: AbortSignal;
}

/** One prompt (as cut to the context) and the items that continue it. */
interface Group {
  prompt: number[];
  members: Array<{ index: number; continuation: readonly number[] }>;
}

/**
 * Teacher-forced log-probabilities of continuations (answers, choices, held-out responses).
 * Items with the same prompt share it — a multiple-choice item's endings, a prompt's answers,
 * texts after BOS: the prompts of a batch go through the model once, their keys and values are
 * copied to each continuation, and the continuations then run on that cache (their tokens at
 * positions after the prompt's). Logits are computed only where a continuation token is
 * predicted. A sequence longer than the context keeps its last tokens, so the continuation is
 * always scored whole. The values are those of one forward pass over prompt + continuation, up
 * to float32 rounding. Any family (the incremental forward gives each row its own positions).
 *
 * @example
 * ```ts
 * const [s] = scoreContinuations(model, [{ prompt: chatPrompt("Name a fruit.", tokenizer), continuation: [...tokenizer.encode("apple"), tokenizer.eos] }]);
 * console.log(s?.logProb);
 * ```
 */
export function scoreContinuations(model: CausalLmLike, items: readonly Continuation[], options: ScoreContinuationsOptions = {}): ContinuationScore[] {
  const lm = causalLm(model);
  const batchSize = Math.max(1, options.batchSize ?? 16);
  const { contextLength } = lm.config;
  const groups = new Map<string, Group>();
  items.forEach((item, index) => {
    if (item.continuation.length === 0) throw new RangeError("scoreContinuations: an empty continuation has no probability to score");
    if (item.continuation.length >= contextLength) throw new RangeError(`scoreContinuations: a continuation of ${item.continuation.length} tokens does not fit the context length ${contextLength}`);
    if (item.prompt.length === 0) throw new RangeError("scoreContinuations: every prompt needs at least one token (e.g. BOS) to predict the continuation's first token from");
    const prompt = item.prompt.slice(Math.max(0, item.prompt.length + item.continuation.length - contextLength));
    const key = prompt.join(",");
    const group = groups.get(key) ?? { prompt, members: [] };
    group.members.push({ index, continuation: item.continuation });
    groups.set(key, group);
  });
  const out = new Array<ContinuationScore>(items.length);
  // Batches of whole groups where they fit, a large group split over several.
  let batch: Array<{ prompt: number[]; members: Group["members"] }> = [];
  let size = 0;
  const flush = () => {
    if (batch.length === 0) return;
    options.signal?.throwIfAborted();
    scoreBatch(lm, batch, out);
    batch = [];
    size = 0;
  };
  for (const group of groups.values()) {
    // a large group (texts after BOS) is split over batches: similar lengths together pad least
    group.members.sort((a, b) => a.continuation.length - b.continuation.length || a.index - b.index);
    for (let start = 0; start < group.members.length; ) {
      const take = Math.min(group.members.length - start, batchSize - size);
      batch.push({ prompt: group.prompt, members: group.members.slice(start, start + take) });
      size += take;
      start += take;
      if (size >= batchSize) flush();
    }
  }
  flush();
  return out;
}

function scoreBatch(lm: CausalLm, batch: ReadonlyArray<{ prompt: number[]; members: Group["members"] }>, out: ContinuationScore[]): void {
  const vocab = lm.config.vocabSize;
  const promptTime = Math.max(...batch.map((g) => g.prompt.length));
  const members = batch.flatMap((g, p) => g.members.map((m) => ({ ...m, group: p, promptLength: g.prompt.length })));
  // continuation inputs: every token but the last (the last is only predicted)
  const restTime = Math.max(...members.map((m) => m.continuation.length - 1));
  const values = tidy(() => {
    // 1. the prompts, right-padded; the logits at each one's last token predict the first continuation token
    const promptIds = tensor2d(batch.map((g) => [...g.prompt, ...new Array<number>(promptTime - g.prompt.length).fill(0)]), [batch.length, promptTime], "int32");
    const promptMask = batch.map((g) => {
      const mask = new Uint8Array(promptTime + restTime);
      mask.fill(1, 0, g.prompt.length);
      return mask;
    });
    const positions = Int32Array.from({ length: batch.length * promptTime }, (_, i) => i % promptTime);
    const lastRows = Int32Array.from(batch, (g, p) => p * promptTime + g.prompt.length - 1);
    const prefill = lm.step(promptIds, positions, promptMask.map((m) => m.subarray(0, promptTime)), undefined, { logitRows: lastRows });
    const first = targetLogProbs(gather(reshape(prefill.logits, [batch.length, vocab]), tensor1d(members.map((m) => m.group), "int32")) as Tensor2D, members.map((m) => m.continuation[0] as number));
    if (restTime === 0) return first;
    // 2. each continuation on a copy of its prompt's keys and values
    const index = tensor1d(members.map((m) => m.group), "int32");
    const past = { keys: prefill.cache.keys.map((k) => gather(k, index)), values: prefill.cache.values.map((v) => gather(v, index)) };
    const restIds = tensor2d(members.map((m) => [...m.continuation.slice(0, -1), ...new Array<number>(restTime - m.continuation.length + 1).fill(0)]), [members.length, restTime], "int32");
    const restPositions = new Int32Array(members.length * restTime);
    const keyMask = members.map((m, e) => {
      for (let t = 0; t < restTime; t++) restPositions[e * restTime + t] = Math.min(lm.config.contextLength - 1, m.promptLength + t);
      const mask = Uint8Array.from(promptMask[m.group] as Uint8Array);
      mask.fill(1, promptTime, promptTime + m.continuation.length - 1);
      return mask;
    });
    const rows: number[] = [];
    const targets: number[] = [];
    members.forEach((m, e) => {
      for (let t = 0; t + 1 < m.continuation.length; t++) {
        rows.push(e * restTime + t);
        targets.push(m.continuation[t + 1] as number);
      }
    });
    const rest = lm.step(restIds, restPositions, keyMask, past, { logitRows: Int32Array.from(rows) });
    return concat([first, targetLogProbs(reshape(rest.logits, [rows.length, vocab]) as Tensor2D, targets)]);
  });
  const logProbs = values.dataSync();
  values.dispose();
  // the first tokens come first (one per member), then the rest in member order
  let k = members.length;
  members.forEach((m, e) => {
    let sum = logProbs[e] as number;
    for (let t = 1; t < m.continuation.length; t++) sum += logProbs[k++] as number;
    out[m.index] = { logProb: sum, tokens: m.continuation.length };
  });
}
