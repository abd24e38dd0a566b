import { stat } from "node:fs/promises";
import { definePlugin, type Source } from "@ual/core";
import { countRecords, dataFilesOf, readSamples, type ReadSamplesOptions, type ReadStats } from "@ual/formats";
import { sourceJsonlOptions } from "./options.ts";

/**
 * The `@ual/source-jsonl` source: samples from JSONL or JSON-array files in any of the shapes
 * `normalizeRecord` of `@ual/formats` knows, detected per record. Several files are read in
 * order; ids must be unique across them. With `split`, only one part of a deterministic
 * held-out split is read (the evaluators' `data: { jsonl, split }` reads the other). Each
 * `read` reads the files afresh; `stats()` gives `{ read, skipped }` of the last completed pass.
 *
 * @example
 * ```yaml
 * stages:
 *   source:
 *     use: "@ual/source-jsonl"
 *     with:
 *       path: [./data/seed.jsonl, { path: ./data/gsm8k.jsonl, subset: math }]
 *       split: { heldout: 0.1, seed: 0, part: train }
 * ```
 */
export const plugin = definePlugin({
  name: "@ual/source-jsonl",
  version: "0.1.0",
  kind: "source",
  apiVersion: 1,
  description: "Streams samples from JSONL or JSON-array files (ShareGPT, LIMA, OpenAI chat, Alpaca, self-instruct, MT-bench, question/answer).",
  options: sourceJsonlOptions,
  async create(options, ctx): Promise<Source> {
    const files = dataFilesOf(options.path, (path) => ctx.resolvePath(path));
    // Checked here so that a wrong path fails the run before any stage starts.
    for (const file of files) {
      const info = await stat(file.path).catch(() => undefined);
      if (info === undefined) {
        throw new Error(`source file "${file.displayPath}" not found (looked for ${file.path}, relative to ${ctx.baseDir})`);
      }
      if (!info.isFile()) throw new Error(`source path "${file.displayPath}" is not a file (${file.path})`);
    }

    const reading: ReadSamplesOptions = {
      format: options.format,
      onInvalid: options.onInvalid,
      idField: options.idField,
      roles: options.roles,
      split: options.split,
    };
    let last: ReadStats = { read: 0, skipped: 0 };
    let completedPasses = 0;
    return {
      read: ({ signal }) =>
        readSamples(files, {
          ...reading,
          limit: options.limit,
          signal,
          logger: ctx.logger,
          // The runner reads the files once to score and again to train; the same invalid
          // records need not be listed twice, so later passes only summarise.
          maxWarnings: completedPasses === 0 ? 20 : 0,
          onComplete: (stats) => {
            last = stats;
            completedPasses++;
          },
        }),
      async count({ signal }) {
        try {
          let records = 0;
          if (options.split === undefined) {
            for (const file of files) records += await countRecords(file.path, signal);
          } else {
            // Which records fall in the part depends on their ids, so they are read (quietly;
            // `read` reports invalid records).
            for await (const _ of readSamples(files, { ...reading, onInvalid: "skip", signal })) records++;
          }
          return options.limit === undefined ? records : Math.min(records, options.limit);
        } catch (error) {
          // The count only feeds progress bars; `read` reports a broken file properly.
          if (signal.aborted) throw error;
          return undefined;
        }
      },
      stats: () => ({ ...last }),
    };
  },
});
