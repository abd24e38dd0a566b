/**
 * A record of a data file that cannot become a sample. The message is `<file>:<line>: <reason>`,
 * so that editors and terminals can jump to it.
 *
 * @example
 * ```ts
 * try {
 *   for await (const sample of readSamples("train.jsonl")) use(sample);
 * } catch (error) {
 *   if (error instanceof InvalidRecordError) console.error(`fix line ${error.line}: ${error.reason}`);
 *   throw error;
 * }
 * ```
 */
export class InvalidRecordError extends Error {
  override name = "InvalidRecordError";
  /** The file as the user named it. */
  readonly file: string;
  /** 1-based line where the record starts. */
  readonly line: number;
  /** What is wrong, without the location. */
  readonly reason: string;

  constructor(file: string, line: number, reason: string) {
    super(`${file}:${line}: ${reason}`);
    this.file = file;
    this.line = line;
    this.reason = reason;
  }
}
