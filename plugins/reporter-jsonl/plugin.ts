import { definePlugin, EVENT_TYPES, z } from "@ual/core";
import { createJsonlReporter } from "./jsonl_reporter.ts";



/**
 * The JSONL reporter as a manifest plugin. `path` is relative to the manifest; `{runId}` in it
 * is replaced by the run's id.
 *
 * @example
 * ```yaml
 * reporters:
 *   - use: "@ual/reporter-jsonl"
 *     with: { path: "logs/{runId}.jsonl", exclude: [sample] }
 * ```
 */
export const plugin = definePlugin({
  name: "@ual/reporter-jsonl",
  version: "0.1.0",
  kind: "reporter",
  apiVersion: 1,
  description: "the event log as JSON lines, to a file or stdout",
  options: z.strictObject({
    path: z.string().min(1).default("-"),
    include: z.array(z.enum(EVENT_TYPES)).optional(),
    exclude: z.array(z.enum(EVENT_TYPES)).optional(),
  }),
  create: (options, ctx) =>
    createJsonlReporter({
      ...options,
      path: options.path === "-" ? "-" : ctx.resolvePath(options.path.replaceAll("{runId}", ctx.runId)),
    }),
});
