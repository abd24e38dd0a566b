// Moved to @ual/training-data (shared with @ual/trainer-torch); kept as the loop's import path.
export { type BatchSchedule, type BatchScheduleOptions, createBatchSchedule, type SamplingCursor } from "@ual/training-data";
