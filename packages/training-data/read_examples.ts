import type { CallOptions, Sample } from "@ual/core";
import { type ChatFormat, renderChat, type Tokenizer } from "@ual/models";

/** One tokenized training sample. */
export interface Example {
  id: string;
  inputIds: Int32Array;
  labels: Int32Array;
  /** Shifted targets it has (what the loss averages over). */
  targets: number;
}

/** What reading the data found. */
export interface ExampleSet {
  examples: Example[];
  /** Samples that kept no target after masking and truncation (left out of training). */
  empty: string[];
  truncated: number;
}

/**
 * Reads every sample once, renders and tokenizes it (spec §5.4), and drops those with nothing to learn.
 *
 * @example
 * ```ts
 * import { loadTokenizer } from "@ual/models";
 * import { readExamples } from "@ual/training-data";
 *
 * const tokenizer = await loadTokenizer("byte");
 * const { examples } = await readExamples(samples, tokenizer, { template: "ual", maskPrompt: true, maxLength: 128 }, { signal });
 * ```
 */
export async function readExamples(
  samples: AsyncIterable<Sample>,
  tokenizer: Tokenizer,
  render: { template: string | ChatFormat; maskPrompt: boolean; maxLength: number },
  options: CallOptions,
): Promise<ExampleSet> {
  const examples: Example[] = [];
  const empty: string[] = [];
  const seen = new Set<string>();
  let truncated = 0;
  for await (const sample of samples) {
    options.signal.throwIfAborted();
    if (seen.has(sample.id)) throw new Error(`sample id "${sample.id}" appears twice in the data; ids must be unique`);
    seen.add(sample.id);
    const r = renderChat(sample.turns, tokenizer, render);
    if (r.truncated) truncated++;
    let targets = 0;
    for (let t = 1; t < r.labels.length; t++) if ((r.labels[t] as number) !== -1) targets++;
    if (targets === 0) empty.push(sample.id);
    else examples.push({ id: sample.id, inputIds: r.inputIds, labels: r.labels, targets });
  }
  return { examples, empty, truncated };
}

/**
 * A short stable fingerprint of the data (ids and token counts), to refuse resuming on other data.
 *
 * @example
 * ```ts
 * fingerprintExamples(examples); // "120:9f3a0c1e" (count:hash)
 * ```
 */
export function fingerprintExamples(examples: readonly Example[]): string {
  let h = 0x811c9dc5;
  const mix = (x: number) => {
    h ^= x & 0xff;
    h = Math.imul(h, 0x01000193) >>> 0;
  };
  for (const e of examples) {
    for (let i = 0; i < e.id.length; i++) mix(e.id.charCodeAt(i));
    mix(0);
    mix(e.inputIds.length);
    mix(e.inputIds.length >>> 8);
  }
  return `${examples.length}:${h.toString(16)}`;
}
