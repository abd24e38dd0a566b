import { estimateTrainingMemory, type Gpt2Config } from "@ual/models";

/** wasm's heap cannot grow past 4 GiB (32-bit addresses). */
export const WASM_HEAP_BYTES = 4 * 1024 ** 3;

const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(2)} GiB`;

/**
 * How many samples go through one forward/backward pass. On wasm, tfjs keeps every activation
 * until the backward pass ends and the heap is bounded, so a pass that does not fit aborts the
 * backend mid-kernel; the plan is made up front, from the longest sequence allowed, and a
 * configuration that cannot fit even one sample at a time is refused with the numbers.
 */
export function planMicroBatch(args: {
  requested: number | "auto";
  batchSize: number;
  config: Gpt2Config;
  maxLength: number;
  backend: string;
  budgetBytes: number;
  /**
   * The weights' part of the estimate when the caller knows it better than the estimate's six
   * float32 copies of a GPT-2 of `config`'s shape: a pretrained model's true parameter count, or a
   * frozen LoRA base, which has no gradients and no AdamW state (one copy, plus the adapters').
   */
  parameterBytes?: number;
}): { size: number; estimateBytes: number; warning?: string } {
  const { requested, batchSize, config, maxLength, backend, budgetBytes, parameterBytes } = args;
  const bytes = (m: number) => {
    const estimate = estimateTrainingMemory(config, m, maxLength);
    return parameterBytes === undefined ? estimate.total : estimate.activations + estimate.logits + parameterBytes;
  };
  if (backend !== "wasm") {
    const size = requested === "auto" ? batchSize : Math.min(requested, batchSize);
    return { size, estimateBytes: bytes(size) };
  }
  const one = bytes(1);
  if (one > WASM_HEAP_BYTES) {
    throw new Error(
      `this configuration cannot train on the wasm backend: one sample of ${maxLength} tokens needs about ${gib(one)} ` +
        `(activations kept for the backward pass, logits, weights and AdamW state), and the wasm heap is bounded at 4 GiB. ` +
        `Lower maxLength or the model size, or use backend "tensorflow" (see @ual/nn's README to install it).`,
    );
  }
  if (requested !== "auto") {
    const size = Math.min(requested, batchSize);
    const need = bytes(size);
    if (need > WASM_HEAP_BYTES) {
      throw new Error(
        `microBatchSize ${size} cannot fit the wasm heap (4 GiB): it needs about ${gib(need)} at ${maxLength} tokens. ` +
          `Use microBatchSize "auto" or at most ${largestFitting(bytes, batchSize, WASM_HEAP_BYTES)}.`,
      );
    }
    return need > budgetBytes
      ? { size, estimateBytes: need, warning: `microBatchSize ${size} needs about ${gib(need)}, above the memory budget of ${gib(budgetBytes)}` }
      : { size, estimateBytes: need };
  }
  const size = Math.max(1, largestFitting(bytes, batchSize, budgetBytes));
  return { size, estimateBytes: bytes(size) };
}

function largestFitting(bytes: (m: number) => number, batchSize: number, limit: number): number {
  let size = 0;
  for (let m = 1; m <= batchSize; m++) if (bytes(m) <= limit) size = m;
  return size;
}
