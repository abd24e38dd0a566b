/**
 * `@ual/trainer-tfjs`: the UAL trainer plugin — per-sample label-smoothed fine-tuning of
 * GPT-2-family models in TensorFlow.js, with online PPL-ratio ε and resumable checkpoints.
 *
 * @module
 */
export { plugin } from "./plugin.ts";
export { trainerOptions, type TrainerOptions } from "./options.ts";
