/**
 * `@ual/training-data`: what every trainer plugin does the same way before any tensor math — the
 * samples rendered and tokenized with their label masks, a fingerprint of them for resuming, and
 * the seeded batch schedule — so that switching trainers changes neither the tokens nor the order
 * in which a run sees them.
 *
 * @module
 */
export { type Example, type ExampleSet, fingerprintExamples, readExamples } from "./read_examples.ts";
export { loraOptionField, optimizationOptionFields, renderingOptionFields } from "./training_options.ts";
export { readTrainingExamples } from "./read_training_examples.ts";
export { type BatchSchedule, type BatchScheduleOptions, createBatchSchedule, type SamplingCursor } from "./create_batch_schedule.ts";
