import { definePlugin, z } from "@ual/core";
import { lexicalVariety } from "./lexical_variety.ts";

/**
 * The plugin a manifest loads: `use: ual-uncertainty-lexical` once installed from npm, or
 * `use: ./node_modules/ual-uncertainty-lexical` / a path to its folder before that.
 */
export const plugin = definePlugin({
  name: "ual-uncertainty-lexical",
  version: "1.0.0",
  kind: "uncertainty",
  apiVersion: 1,
  description: "rates a dialogue by the lexical variety of its responses (0–99)",
  options: z.strictObject({
    minWords: z.int().min(1).default(3),
  }),
  create: ({ minWords }) => ({
    concurrency: 64,
    estimate: async (sample) => ({ score: lexicalVariety(sample, minWords), source: "lexical-variety" }),
  }),
});
