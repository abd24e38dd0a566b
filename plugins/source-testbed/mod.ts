/**
 * `@ual/source-testbed`: the testbed of `@ual/testbed` as a source plugin (re-exporting its helpers).
 *
 * @module
 */
export * from "@ual/testbed";
export * from "./options.ts";
export * from "./plugin.ts";
