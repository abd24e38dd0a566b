/**
 * `@ual/core`: the sample-event stream, the plugin contract, the manifest and the pipeline
 * runner of UAL. No ML, no network.
 *
 * @module
 */
export * from "./json.ts";
export * from "./sample.ts";
export * from "./events.ts";
export * from "./plugin_kind.ts";
export * from "./kinds.ts";
export * from "./reporter.ts";
export * from "./logger.ts";
export * from "./plugin.ts";
export * from "./schema.ts";
