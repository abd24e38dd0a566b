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
export * from "./errors.ts";
export * from "./atomic_write.ts";
export * from "./redact.ts";
export * from "./manifest.ts";
export * from "./define_manifest.ts";
export * from "./load_plugin.ts";
export * from "./resolve_manifest.ts";
export * from "./run_dir.ts";
export * from "./samples_from.ts";
export * from "./score_samples.ts";
export * from "./map_smoothing.ts";
export * from "./pipeline.ts";
export * from "./run.ts";
export * from "./run_operators.ts";
export * from "./run_pipeline.ts";
export * from "./discover_plugins.ts";
export * from "./use_plugin.ts";
export * from "./student_t_quantile.ts";
export * from "./mean_ci95.ts";
export * from "./excludes_zero.ts";
export * from "./format_mean_ci.ts";
export * from "./metric_direction.ts";
export * from "./compare_runs.ts";
export * from "./paired_differences.ts";
export * from "./matrix.ts";
