/**
 * `@ual/reporter-console`: progress bars and a run summary on the terminal.
 *
 * @module
 */
export * from "./progress_bar.ts";
export * from "./console_reporter.ts";
export * from "./plugin.ts";
