/**
 * `@ual/reporter-html`: one self-contained HTML report with inline SVG charts.
 *
 * @module
 */
export * from "./render_report.ts";
export * from "./plugin.ts";
