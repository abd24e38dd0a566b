/**
 * `@ual/reporter-jsonl`: the event log as JSON lines, to a file or stdout.
 *
 * @module
 */
export * from "./jsonl_reporter.ts";
export * from "./plugin.ts";
