/**
 * `@ual/uncertainty-field`: a UAL uncertainty estimator that takes each sample's score from a
 * field of its metadata, for scores computed elsewhere.
 *
 * @module
 */
export * from "./score_from_field.ts";
export * from "./plugin.ts";
