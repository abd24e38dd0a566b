import { readFile } from "node:fs/promises";

/** One parsed line of a JSONL file, with where it came from. */
export interface JsonlRecord {
  value: unknown;
  /** 1-based. */
  line: number;
}

/**
 * Reads a JSONL file whole (question and answer files are small), skipping blank lines. Errors
 * name the file, and the line of a record that is not JSON.
 */
export async function readJsonl(path: string, what: string): Promise<JsonlRecord[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(`cannot read ${what} ${path}: ${code === "ENOENT" ? "no such file" : String(error)}`);
  }
  const records: JsonlRecord[] = [];
  for (const [i, raw] of text.split("\n").entries()) {
    const trimmed = raw.trim();
    if (trimmed === "") continue;
    try {
      records.push({ value: JSON.parse(trimmed) as unknown, line: i + 1 });
    } catch (error) {
      throw new Error(`${path}:${i + 1}: not a JSON record (${error instanceof Error ? error.message : String(error)})`);
    }
  }
  if (records.length === 0) throw new Error(`${what} ${path} has no records`);
  return records;
}

/** A record's id: `question_id` or `id`, a string or a number, as a string; undefined when it has neither. */
export function recordId(record: Record<string, unknown>): string | undefined {
  for (const field of ["question_id", "id"]) {
    const value = record[field];
    if (typeof value === "string" && value !== "") return value;
    if (typeof value === "number" && Number.isFinite(value)) return String(value);
  }
  return undefined;
}

/** True for a list of strings. */
export function isStrings(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === "string");
}
