import { createInterface } from "node:readline";
import { CliError } from "./exit_codes.ts";

/** Scores read for `ual map`: ids and scores in input order. */
export interface ScoreTable {
  ids: Array<string | number>;
  scores: Array<number | null>;
}

/** Options of {@linkcode readScores}. */
export interface ReadScoresOptions {
  /** The name to show in errors (a file path, or `stdin`). */
  name: string;
  /** The field holding the score in object records (default `score`). */
  scoreField?: string;
  /** The field holding the id (default `id`; records without one get their 0-based position). */
  idField?: string;
  /** Called every 10,000 records, for progress. */
  onProgress?: (count: number) => void;
}

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 30 ? `${value.slice(0, 27)}...` : value);
  if (value === undefined) return "nothing";
  return typeof value === "object" && value !== null ? (Array.isArray(value) ? "an array" : "an object") : String(value);
}

function toRecord(value: unknown, index: number, where: string, options: ReadScoresOptions): { id: string | number; score: number | null } {
  const scoreField = options.scoreField ?? "score";
  const idField = options.idField ?? "id";
  if (value === null || typeof value === "number") {
    if (typeof value === "number" && !Number.isFinite(value)) throw new CliError(`${where}: expected a finite score, got ${String(value)}`);
    return { id: index, score: value };
  }
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new CliError(`${where}: expected a number, null, or an object with "${scoreField}", got ${describe(value)}`);
  }
  const record = value as Record<string, unknown>;
  if (!(scoreField in record)) {
    throw new CliError(`${where}: no "${scoreField}" field (keys: ${Object.keys(record).join(", ") || "none"}); use --score-field to name it`);
  }
  const score = record[scoreField];
  if (score !== null && (typeof score !== "number" || !Number.isFinite(score))) {
    throw new CliError(`${where}: expected "${scoreField}" to be a number or null, got ${describe(score)}`);
  }
  const id = record[idField];
  if (id !== undefined && typeof id !== "string" && typeof id !== "number") {
    throw new CliError(`${where}: expected "${idField}" to be a string or number, got ${describe(id)}`);
  }
  return { id: id ?? index, score: score as number | null };
}

/**
 * Reads scores for `ual map` from a stream: a JSON array (of numbers, nulls or
 * `{ id, score }` objects, as the reference code's `score.json` is) or JSON lines of the same.
 * A JSON array is parsed whole; JSON lines stream. Every problem names `file:line`.
 */
export async function readScores(input: NodeJS.ReadableStream, options: ReadScoresOptions): Promise<ScoreTable> {
  const table: ScoreTable = { ids: [], scores: [] };
  const seen = new Map<string | number, number>();
  const add = (value: unknown, where: string, line: number) => {
    const { id, score } = toRecord(value, table.ids.length, where, options);
    const earlier = seen.get(id);
    if (earlier !== undefined) throw new CliError(`${where}: duplicate id ${JSON.stringify(id)} (first at line ${earlier})`);
    seen.set(id, line);
    table.ids.push(id);
    table.scores.push(score);
    if (table.ids.length % 10_000 === 0) options.onProgress?.(table.ids.length);
  };

  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNo = 0;
  let arrayText: string[] | undefined;
  for await (const line of lines) {
    lineNo++;
    if (arrayText) {
      arrayText.push(line);
      continue;
    }
    const trimmed = line.trim();
    if (trimmed === "") continue;
    if (table.ids.length === 0 && trimmed.startsWith("[")) {
      arrayText = [line];
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (error) {
      throw new CliError(`${options.name}:${lineNo}: not valid JSON (${(error as Error).message})`);
    }
    add(value, `${options.name}:${lineNo}`, lineNo);
  }
  if (arrayText) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(arrayText.join("\n"));
    } catch (error) {
      throw new CliError(`${options.name}: not a valid JSON array (${(error as Error).message})`);
    }
    if (!Array.isArray(parsed)) throw new CliError(`${options.name}: expected a JSON array or JSON lines`);
    parsed.forEach((value, i) => add(value, `${options.name}[${i}]`, i));
  }
  return table;
}
