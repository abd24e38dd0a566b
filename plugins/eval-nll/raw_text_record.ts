import { readFile } from "node:fs/promises";

/** One raw-text record of {@linkcode readRawTextRecords}: scored after BOS, no chat template. */
export interface RawTextRecord {
  /** The record's `id`, else `<file name>:<line>`. */
  id: string;
  /** The record's `subset`, else the option's. */
  subset: string;
  /** Text that conditions the scored part ("" for a `{text}` record). */
  context: string;
  /** The scored text. */
  continuation: string;
}

const EXPECTED = 'one JSON object per line: {"text": string} (every token scored after BOS) or {"context": string, "continuation": string} (the continuation scored after BOS and the context), optionally with "id" and "subset" strings';

/**
 * Reads JSONL files of raw text for NLL scoring without a chat template — how a pretrained base
 * model is measured on held-out text. Blank lines are skipped; anything else that is not one of
 * the two record shapes is an error naming the file, the line and what was expected.
 *
 * @example
 * ```ts
 * const records = await readRawTextRecords(["data/base-text-heldout.jsonl"], "base-text");
 * // [{ id: "base-text-…", subset: "base-text", context: "", continuation: "My fellow Americans, …" }, …]
 * ```
 */
export async function readRawTextRecords(paths: readonly string[], subset: string): Promise<RawTextRecord[]> {
  const out: RawTextRecord[] = [];
  for (const path of paths) {
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch (error) {
      throw new Error(`@ual/eval-nll: cannot read the raw-text file ${path}: ${(error as Error).message}`);
    }
    const name = path.split(/[\\/]/).pop() as string;
    const lines = text.split("\n");
    let found = 0;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] as string;
      if (line.trim() === "") continue;
      const where = `${path}:${i + 1}`;
      let record: unknown;
      try {
        record = JSON.parse(line);
      } catch (error) {
        throw new Error(`${where}: not JSON (${(error as Error).message}); expected ${EXPECTED}`);
      }
      const r = (typeof record === "object" && record !== null && !Array.isArray(record) ? record : {}) as Record<string, unknown>;
      const id = r.id === undefined ? `${name}:${i + 1}` : typeof r.id === "string" || typeof r.id === "number" ? String(r.id) : undefined;
      const ownSubset = r.subset === undefined ? subset : typeof r.subset === "string" && r.subset !== "" ? r.subset : undefined;
      let context: string | undefined;
      let continuation: string | undefined;
      if (typeof r.text === "string" && r.context === undefined && r.continuation === undefined) {
        context = "";
        continuation = r.text;
      } else if (typeof r.context === "string" && typeof r.continuation === "string" && r.text === undefined) {
        context = r.context;
        continuation = r.continuation;
      }
      if (id === undefined || ownSubset === undefined || continuation === undefined || context === undefined || continuation === "") {
        const shown = line.length > 80 ? `${line.slice(0, 77)}…` : line;
        throw new Error(`${where}: expected ${EXPECTED} with a non-empty scored text; got ${shown}`);
      }
      out.push({ id, subset: ownSubset, context, continuation });
      found++;
    }
    if (found === 0) throw new Error(`${path}: no records; expected ${EXPECTED}`);
  }
  return out;
}
