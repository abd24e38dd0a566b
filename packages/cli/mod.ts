/**
 * `@ual/cli`: the `ual` command, also callable from scripts through {@linkcode main}.
 *
 * @module
 */
export * from "./main.ts";
export * from "./exit_codes.ts";
export * from "./io.ts";
export * from "./read_scores.ts";
export * from "./format_comparison.ts";
