/** A prompt and the continuation to score after it, both as token ids. */
export interface ScoringItem {
  prompt: number[];
  continuation: number[];
}

/** A {@linkcode ScoringItem} cut to fit a context, and what was cut. */
export interface FittedItem extends ScoringItem {
  /** Prompt tokens dropped from the start. */
  promptCut: number;
  /** Continuation tokens dropped from the end. */
  continuationCut: number;
}

/**
 * Cuts a prompt and its continuation so that together they fit `contextLength` tokens: first
 * the start of the prompt goes (its end — the question and the assistant's header — is what
 * conditions the answer); if the continuation alone does not fit, it keeps its first
 * `contextLength - 1` tokens (and so loses its EOS), as the trainer keeps the start of a long
 * dialogue. One prompt token always stays, because the first continuation token is predicted
 * from the position before it.
 *
 * @example
 * ```ts
 * fitToContext({ prompt: [1, 2, 3, 4], continuation: [5, 6] }, 4);
 * // { prompt: [3, 4], continuation: [5, 6], promptCut: 2, continuationCut: 0 }
 * fitToContext({ prompt: [1, 2], continuation: [5, 6, 7, 8, 9] }, 4);
 * // { prompt: [2], continuation: [5, 6, 7], promptCut: 1, continuationCut: 2 }
 * ```
 */
export function fitToContext(item: ScoringItem, contextLength: number): FittedItem {
  if (!Number.isInteger(contextLength) || contextLength < 2) {
    throw new RangeError(`fitToContext: a context of ${contextLength} tokens cannot hold a prompt token and an answer token`);
  }
  if (item.prompt.length === 0) throw new RangeError("fitToContext: the prompt needs at least one token (e.g. BOS) to predict the answer from");
  const continuation = item.continuation.slice(0, contextLength - 1);
  const room = contextLength - continuation.length;
  const prompt = item.prompt.length > room ? item.prompt.slice(item.prompt.length - room) : item.prompt;
  return {
    prompt,
    continuation,
    promptCut: item.prompt.length - prompt.length,
    continuationCut: item.continuation.length - continuation.length,
  };
}
