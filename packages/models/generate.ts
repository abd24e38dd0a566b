import { keep, reshape, type Tensor2D, tensor2d, tidy } from "@tensorflow/tfjs-core";
import { createRng } from "@ual/nn";
import { causalLm, type CausalLmLike, disposeKvCache, type KvCache } from "./causal_lm.ts";
import { type SamplingOptions, sampleToken } from "./sample_token.ts";
import type { Tokenizer } from "./tokenizer.ts";

/** Options of {@linkcode generate}. */
export interface GenerateOptions extends SamplingOptions {
  /** The most tokens to add per prompt (default 64); generation also stops at the context length. */
  maxNewTokens?: number;
  /** Stop a row once its text contains one of these; the text is cut before it. */
  stop?: readonly string[];
  /** Seeds the draws when temperature > 0 (default 0). */
  seed?: number;
  /** Reuse attention keys and values across steps (default true); false recomputes the whole sequence each step. */
  cache?: boolean;
  /** Cancels between tokens. */
  signal?: AbortSignal;
}

/** One prompt's continuation. */
export interface Generation {
  /** The decoded new text (without EOS or the stop sequence). */
  text: string;
  /** The new token ids, EOS excluded. */
  tokens: number[];
  /** `eos`, a `stop` sequence, or `length` (maxNewTokens or the context length). */
  finishReason: "eos" | "stop" | "length";
}

/**
 * Continues a batch of prompts (token ids, e.g. from {@linkcode chatPrompt}) with a GPT-2 or
 * Llama-family model (or any {@linkcode CausalLm}): greedy by default, or sampled with temperature,
 * top-k and top-p. Prompts of different lengths are left-padded, each row with its own positions
 * (learned embeddings or RoPE) and a key mask, so a prompt continues the same in any batch. A KV
 * cache makes each new token cost one position instead of the whole sequence. A Llama model with
 * LoRA adapters attached generates through them, merged or not.
 *
 * @example
 * ```ts
 * import { chatPrompt, createByteTokenizer, createGpt2, generate } from "@ual/models";
 * const tokenizer = createByteTokenizer();
 * const model = createGpt2({ vocabSize: tokenizer.vocabSize, contextLength: 64, dModel: 32, layers: 2, heads: 2 });
 * const [out] = generate(model, tokenizer, [chatPrompt("What is 2 + 2?", tokenizer)], { maxNewTokens: 8 });
 * console.log(out?.text, out?.finishReason);
 * ```
 */
export function generate(model: CausalLmLike, tokenizer: Tokenizer, prompts: readonly (readonly number[])[], options: GenerateOptions = {}): Generation[] {
  const lm = causalLm(model);
  const maxNewTokens = options.maxNewTokens ?? 64;
  const useCache = options.cache ?? true;
  const stop = options.stop ?? [];
  const rng = createRng(options.seed ?? 0);
  const batch = prompts.length;
  if (batch === 0) return [];
  const promptLength = Math.max(...prompts.map((p) => p.length));
  if (prompts.some((p) => p.length === 0)) throw new RangeError("generate: every prompt needs at least one token (e.g. BOS)");
  const { contextLength, vocabSize: vocab } = lm.config;
  if (promptLength >= contextLength) {
    throw new RangeError(`generate: a prompt of ${promptLength} tokens leaves no room in the context length ${contextLength}`);
  }
  // Each row may grow to the context length on its own: its positions start at its first real
  // token, so a long prompt in the batch does not cut short the answers of the short ones.
  const budgets = prompts.map((p) => Math.min(maxNewTokens, contextLength - p.length));
  const steps = Math.max(...budgets);
  const pads = prompts.map((p) => promptLength - p.length);
  // Left padding keeps every row's last prompt token in the same column, so one step appends one column.
  const rows = prompts.map((p, b) => [...new Array<number>(pads[b] as number).fill(tokenizer.pad), ...p]);
  const masks = rows.map((_, b) => {
    const mask = new Uint8Array(promptLength + steps);
    mask.fill(1, pads[b] as number);
    return mask;
  });
  // A row that is done keeps riding along with padding; its positions are clamped, its outputs unused.
  const positionsOf = (from: number, to: number): Int32Array => {
    const out = new Int32Array(batch * (to - from));
    for (let b = 0; b < batch; b++) for (let j = from; j < to; j++) out[b * (to - from) + j - from] = Math.min(contextLength - 1, Math.max(0, j - (pads[b] as number)));
    return out;
  };
  const results: Generation[] = prompts.map(() => ({ text: "", tokens: [], finishReason: "length" }));
  const done = new Array<boolean>(batch).fill(false);
  let cache: KvCache | undefined;
  try {
    for (let step = 0; step < steps && done.includes(false); step++) {
      options.signal?.throwIfAborted();
      const length = promptLength + step;
      const from = useCache && cache !== undefined ? length - 1 : 0;
      const ids = rows.map((r) => r.slice(from, length));
      const keyMask = masks.map((m) => m.subarray(0, length));
      const past = cache;
      let next: KvCache | undefined;
      const last = tidy((): Tensor2D => {
        const t = length - from;
        // only each row's last column is sampled from: the head runs on those rows alone
        const lastRows = Int32Array.from({ length: batch }, (_, b) => b * t + t - 1);
        const out = lm.step(tensor2d(ids, [batch, t], "int32"), positionsOf(from, length), keyMask, useCache ? past : undefined, { logitRows: lastRows });
        if (useCache) {
          // the cache outlives this scope: keep it, and free the previous one below
          next = { keys: out.cache.keys.map((t) => keep(t)), values: out.cache.values.map((t) => keep(t)) };
        }
        return reshape(out.logits, [batch, vocab]);
      });
      disposeKvCache(past);
      cache = next;
      const values = last.dataSync();
      last.dispose();
      for (let b = 0; b < batch; b++) {
        const row = rows[b] as number[];
        if (done[b]) {
          row.push(tokenizer.pad);
          continue;
        }
        const token = sampleToken(values.subarray(b * vocab, (b + 1) * vocab), options, rng);
        row.push(token);
        const result = results[b] as Generation;
        if (token === tokenizer.eos) {
          result.finishReason = "eos";
          done[b] = true;
          continue;
        }
        result.tokens.push(token);
        const text = tokenizer.decode(result.tokens);
        const hit = stop.map((s) => text.indexOf(s)).filter((i) => i >= 0);
        if (hit.length > 0) {
          result.finishReason = "stop";
          done[b] = true;
        } else if (step + 1 >= (budgets[b] as number)) done[b] = true; // maxNewTokens or the context: "length"
      }
    }
  } finally {
    disposeKvCache(cache);
  }
  for (const result of results) {
    const text = tokenizer.decode(result.tokens);
    const cut = Math.min(...stop.map((s) => text.indexOf(s)).filter((i) => i >= 0), text.length);
    result.text = text.slice(0, cut);
  }
  return results;
}
