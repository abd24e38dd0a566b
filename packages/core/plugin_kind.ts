/** The stages a plugin can fill, in pipeline order. */
export const PLUGIN_KINDS = [
  "source",
  "uncertainty",
  "mapper",
  "loss",
  "trainer",
  "evaluator",
  "reporter",
] as const;

/** What a plugin does in the pipeline. */
export type PluginKind = (typeof PLUGIN_KINDS)[number];
