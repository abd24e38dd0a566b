import type { CallOptions, Logger, Sample } from "@ual/core";
import type { ChatFormat, Tokenizer } from "@ual/models";
import { type Example, readExamples } from "./read_examples.ts";

/**
 * {@linkcode readExamples} as a trainer needs it: the samples left out (nothing to learn after
 * prompt masking and truncation) are warned about by id, truncations counted in the log, and a
 * data set with nothing to learn at all is an error naming the options to check.
 *
 * @example
 * ```ts
 * const examples = await readTrainingExamples(input.samples({ signal }), tokenizer, { template, maskPrompt: true, maxLength: 128 }, call, { logger, name: "@ual/trainer-tfjs" });
 * ```
 */
export async function readTrainingExamples(
  samples: AsyncIterable<Sample>,
  tokenizer: Tokenizer,
  render: { template: string | ChatFormat; maskPrompt: boolean; maxLength: number },
  call: CallOptions,
  report: { logger: Logger; name: string },
): Promise<Example[]> {
  const data = await readExamples(samples, tokenizer, render, call);
  const { examples } = data;
  const { logger, name } = report;
  if (data.empty.length > 0) {
    const shown = data.empty.slice(0, 5).map((id) => `"${id}"`).join(", ");
    logger.warn(`${data.empty.length} samples have no token to learn after prompt masking and truncation to ${render.maxLength} tokens, and are left out: ${shown}${data.empty.length > 5 ? ", …" : ""}`);
  }
  if (data.truncated > 0) logger.info(`${data.truncated} of ${examples.length + data.empty.length} samples were truncated to ${render.maxLength} tokens`);
  if (examples.length === 0) throw new Error(`${name}: no sample has a token to learn (check maskPrompt, maxLength and the data)`);
  return examples;
}
