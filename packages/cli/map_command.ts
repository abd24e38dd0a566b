import { createReadStream, createWriteStream, existsSync } from "node:fs";
import { rename } from "node:fs/promises";
import { dirname, basename, join } from "node:path";
import { InfeasibleAlphaError, InvalidScoreError, MAPPER_NAMES, mapScores, type MapperName } from "@ual/mapping";
import { ProgressBar } from "@ual/reporter-console";
import { CliError, EXIT } from "./exit_codes.ts";
import type { CliIO } from "./io.ts";
import { readScores } from "./read_scores.ts";

/** Options of `ual map`, as parsed from the command line. */
export interface MapCommandOptions {
  mapper: string;
  alpha?: number;
  cap?: number;
  solver?: string;
  gamma?: number;
  out?: string;
  scoreField?: string;
  idField?: string;
}

/**
 * `ual map [file]`: scores in, ε out, for users who train elsewhere. Reads a JSON array or JSON
 * lines of `{id, score}` (or bare numbers) from a file or stdin and writes JSON lines of
 * `{id, score, smoothing}` to stdout or `--out` (atomically), with a summary on stderr.
 */
export async function mapCommand(file: string | undefined, options: MapCommandOptions, io: CliIO): Promise<number> {
  if (!(MAPPER_NAMES as readonly string[]).includes(options.mapper)) {
    throw new CliError(`--mapper: expected one of ${MAPPER_NAMES.join(", ")}, got "${options.mapper}"`);
  }
  if (options.solver !== undefined && options.solver !== "exact" && options.solver !== "iterative") {
    throw new CliError(`--solver: expected exact or iterative, got "${options.solver}"`);
  }
  const fromStdin = file === undefined || file === "-";
  if (fromStdin && io.stdin.isTTY) throw new CliError("no input: give a file, or pipe scores into stdin (see ual map --help)");
  if (!fromStdin && !existsSync(file)) throw new CliError(`${file}: no such file`);
  const name = fromStdin ? "stdin" : file;
  const bar = io.stderr.isTTY ? new ProgressBar({ label: "reading", stream: io.stderr }) : undefined;
  const table = await readScores(fromStdin ? io.stdin : createReadStream(file, "utf8"), {
    name,
    ...(options.scoreField ? { scoreField: options.scoreField } : {}),
    ...(options.idField ? { idField: options.idField } : {}),
    ...(bar ? { onProgress: (n: number) => bar.update(n) } : {}),
  });
  bar?.update(table.ids.length);
  bar?.done();

  let result;
  try {
    result = mapScores(options.mapper as MapperName, table.scores, {
      ...(options.alpha !== undefined ? { alpha: options.alpha } : {}),
      ...(options.cap !== undefined ? { cap: options.cap } : {}),
      ...(options.solver !== undefined ? { solver: options.solver as "exact" | "iterative" } : {}),
      ...(options.gamma !== undefined ? { gamma: options.gamma } : {}),
    });
  } catch (error) {
    if (error instanceof InvalidScoreError) {
      throw new CliError(`${name}: record ${error.index} (id ${JSON.stringify(table.ids[error.index])}): ${error.message}`);
    }
    if (error instanceof InfeasibleAlphaError || error instanceof RangeError) throw new CliError(error.message);
    throw error;
  }

  const target = options.out;
  const temp = target ? join(dirname(target), `.${basename(target)}.${process.pid}.tmp`) : undefined;
  const out: NodeJS.WritableStream = temp ? createWriteStream(temp) : io.stdout;
  for (let i = 0; i < table.ids.length; i++) {
    const line = `${JSON.stringify({ id: table.ids[i], score: table.scores[i], smoothing: result.values[i] })}\n`;
    // Respect back-pressure so a million lines do not pile up in memory.
    if (!out.write(line)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
  }
  if (temp && target) {
    await new Promise<void>((resolve, reject) => {
      out.once("error", reject);
      out.end(() => resolve());
    });
    await rename(temp, target);
  }
  const parts = [
    `mapped ${table.ids.length} scores with ${options.mapper}`,
    `mean ε ${result.mean.toFixed(6)}`,
    ...(result.beta !== undefined ? [`β ${result.beta.toPrecision(6)}`] : []),
    `${result.imputed} imputed${result.median !== null ? ` (median ${result.median})` : ""}`,
    `${result.clipped} clipped`,
  ];
  io.stderr.write(`${parts.join(", ")}${target ? ` → ${target}` : ""}\n`);
  return EXIT.ok;
}
