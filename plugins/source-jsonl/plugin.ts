import { stat } from "node:fs/promises";
import { definePlugin, type Source } from "@ual/core";
import { countRecords } from "./_count_records.ts";
import { sourceJsonlOptions } from "./options.ts";
import { readSamples, type ReadStats } from "./read_samples.ts";

/**
 * The `@ual/source-jsonl` source: samples from a JSONL or JSON-array file in any of the shapes
 * {@linkcode normalizeRecord} knows. Each `read` reads the file afresh; `stats()` gives
 * `{ read, skipped }` of the last completed pass.
 *
 * @example
 * ```yaml
 * stages:
 *   source:
 *     use: "@ual/source-jsonl"
 *     with: { path: ./data/train.jsonl, onInvalid: skip }
 * ```
 */
export const plugin = definePlugin({
  name: "@ual/source-jsonl",
  version: "0.1.0",
  kind: "source",
  apiVersion: 1,
  description: "Streams samples from a JSONL or JSON-array file (ShareGPT, LIMA, OpenAI chat, Alpaca, self-instruct, MT-bench, question/answer).",
  options: sourceJsonlOptions,
  async create(options, ctx): Promise<Source> {
    const path = ctx.resolvePath(options.path);
    // Checked here so that a wrong path fails the run before any stage starts.
    const info = await stat(path).catch(() => undefined);
    if (info === undefined) {
      throw new Error(`source file "${options.path}" not found (looked for ${path}, relative to ${ctx.baseDir})`);
    }
    if (!info.isFile()) throw new Error(`source path "${options.path}" is not a file (${path})`);

    let last: ReadStats = { read: 0, skipped: 0 };
    let completedPasses = 0;
    return {
      read: ({ signal }) =>
        readSamples(path, {
          format: options.format,
          onInvalid: options.onInvalid,
          idField: options.idField,
          limit: options.limit,
          roles: options.roles,
          signal,
          logger: ctx.logger,
          // Messages name the file as the manifest does.
          displayPath: options.path,
          // The runner reads the file once to score and again to train; the same invalid
          // records need not be listed twice, so later passes only summarise.
          maxWarnings: completedPasses === 0 ? 20 : 0,
          onComplete: (stats) => {
            last = stats;
            completedPasses++;
          },
        }),
      async count({ signal }) {
        try {
          const records = await countRecords(path, signal);
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
