// Moved to @ual/training-data (shared with @ual/trainer-torch); kept as the loop's import path.
export { type Example, type ExampleSet, fingerprintExamples, readExamples } from "@ual/training-data";
