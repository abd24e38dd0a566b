/** The `ual` command's exit codes, so that scripts can tell outcomes apart. */
export const EXIT = {
  /** Done. */
  ok: 0,
  /** The run failed (a stage threw, a file could not be written, ...). */
  failed: 1,
  /** Bad usage or bad input: an invalid manifest, option or input file. Nothing ran. */
  invalid: 2,
  /** Interrupted (Ctrl-C); run the same command again to resume. */
  interrupted: 130,
} as const;

/** An error that ends the command with `code` and prints only its message (no stack). */
export class CliError extends Error {
  override name = "CliError";
  readonly code: number;

  constructor(message: string, code: number = EXIT.invalid) {
    super(message);
    this.code = code;
  }
}
