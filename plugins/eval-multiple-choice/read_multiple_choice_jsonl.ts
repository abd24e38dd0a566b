import { readFile } from "node:fs/promises";
import { basename, extname } from "node:path";
import type { MultipleChoiceItem } from "./multiple_choice_item.ts";
import { type MultipleChoiceFormat, parseMultipleChoiceRecord } from "./parse_multiple_choice_record.ts";
import { shuffleChoices } from "./shuffle_choices.ts";

/** Options of {@linkcode readMultipleChoiceJsonl}. */
export interface ReadMultipleChoiceOptions {
  /** The records' layout (default `auto`: guessed from each record's fields). */
  format?: MultipleChoiceFormat;
  /** The items' subset (default: the file's name without its extension). */
  subset?: string;
  /**
   * `as-is` keeps the file's order; `shuffled` reorders each item's choices with `seed`. Default:
   * `shuffled` for `truthfulqa-mc1` (whose right answer is always first), `as-is` otherwise.
   */
  choiceOrder?: "as-is" | "shuffled";
  /** Seeds the shuffle (default 0). */
  seed?: number;
  /** Only the first `limit` records. */
  limit?: number;
}

/**
 * Reads a JSONL file of multiple-choice records (see {@linkcode parseMultipleChoiceRecord} for the
 * layouts); blank lines are skipped. Errors name the file and line.
 *
 * @example
 * ```ts
 * const items = await readMultipleChoiceJsonl("data/arc_challenge_validation.jsonl", { format: "arc", subset: "arc" });
 * ```
 */
export async function readMultipleChoiceJsonl(path: string, options: ReadMultipleChoiceOptions = {}): Promise<MultipleChoiceItem[]> {
  const format = options.format ?? "auto";
  const subset = options.subset ?? basename(path, extname(path));
  const name = basename(path);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new Error(`cannot read the multiple-choice file ${path}: ${(error as Error).message}`);
  }
  const items: MultipleChoiceItem[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length && items.length < (options.limit ?? Infinity); i++) {
    const line = lines[i] as string;
    if (line.trim() === "") continue;
    const where = `${path}:${i + 1}`;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch (error) {
      throw new Error(`${where}: not JSON (${(error as Error).message}); expected one record per line`);
    }
    const { format: layout, ...parsed } = parseMultipleChoiceRecord(record, format, where);
    const order = options.choiceOrder ?? (layout === "truthfulqa-mc1" ? "shuffled" : "as-is");
    const item: MultipleChoiceItem = { id: `${name}:${i + 1}`, subset, ...parsed };
    items.push(order === "shuffled" ? shuffleChoices(item, options.seed ?? 0) : item);
  }
  if (items.length === 0) throw new Error(`${path}: no records; expected one JSON record per line`);
  return items;
}
