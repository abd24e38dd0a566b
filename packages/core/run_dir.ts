import { createReadStream, createWriteStream, existsSync, type WriteStream } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { writeJsonAtomic } from "./atomic_write.ts";
import type { RunStatus } from "./events.ts";
import type { JsonObject } from "./json.ts";

/** The state of a run, kept in `runs/<run-id>/run.json` (written atomically). */
export interface RunRecord {
  runId: string;
  /** The manifest file the run came from. */
  manifest?: string;
  /** The resolved manifest's hash: a rerun of the same manifest resumes a run with the same hash. */
  manifestHash: string;
  status: RunStatus | "running";
  /** The process running it, so that a crashed run (`kill -9`) can be told from a live one. */
  pid: number;
  startedAt: string;
  updatedAt: string;
  /** How many times the run was started (1 + resumes). */
  attempts: number;
  error?: string;
  /** Set when the run is one cell of an experiment matrix. */
  cell?: MatrixCellRef;
}

/** Which cell of which experiment matrix a run is. */
export interface MatrixCellRef {
  /** The matrix manifest's name. */
  matrix: string;
  arm: string;
  seed: number;
}

/** The name of the run record file in a run directory. */
export const RUN_RECORD = "run.json";
/** The name of the event log in a run directory. */
export const EVENT_LOG = "events.jsonl";

/** Reads a run's record, or undefined if there is none or it is unreadable. */
export async function readRunRecord(runDir: string): Promise<RunRecord | undefined> {
  try {
    return JSON.parse(await readFile(join(runDir, RUN_RECORD), "utf8")) as RunRecord;
  } catch {
    return undefined;
  }
}

/** Writes a run's record atomically. */
export async function writeRunRecord(runDir: string, record: RunRecord): Promise<void> {
  await writeJsonAtomic(join(runDir, RUN_RECORD), record);
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * The most recent run of the same manifest (same hash) that did not complete — interrupted,
 * failed, or left "running" by a process that no longer exists (killed) — or undefined.
 */
export async function findResumableRun(runsDir: string, manifestHash: string): Promise<RunRecord | undefined> {
  if (!existsSync(runsDir)) return undefined;
  const candidates: RunRecord[] = [];
  for (const entry of await readdir(runsDir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const record = await readRunRecord(join(runsDir, entry.name));
    if (!record || record.manifestHash !== manifestHash) continue;
    const resumable = record.status === "interrupted" || record.status === "failed" || (record.status === "running" && !isAlive(record.pid));
    if (resumable) candidates.push(record);
  }
  candidates.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  return candidates[0];
}

/** The most recent completed run of the same manifest (same hash), or undefined. */
export async function findCompletedRun(runsDir: string, manifestHash: string): Promise<RunRecord | undefined> {
  if (!existsSync(runsDir)) return undefined;
  let best: RunRecord | undefined;
  for (const entry of await readdir(runsDir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const record = await readRunRecord(join(runsDir, entry.name));
    if (record?.manifestHash === manifestHash && record.status === "completed" && (!best || record.updatedAt > best.updatedAt)) best = record;
  }
  return best;
}

/**
 * Reads an event log record by record. A last line cut short by a crash is skipped, not an error:
 * everything before it is intact because lines are appended whole.
 */
export async function* readEventLog(path: string): AsyncGenerator<JsonObject> {
  if (!existsSync(path)) return;
  const lines = createInterface({ input: createReadStream(path, "utf8"), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === "") continue;
    try {
      yield JSON.parse(line) as JsonObject;
    } catch {
      // A torn final line from a killed process.
    }
  }
}

/** Appends lines to a file; `close` resolves once everything is on disk. */
export class LineWriter {
  readonly #stream: WriteStream;
  #error: Error | undefined;

  constructor(path: string, options: { append: boolean }) {
    this.#stream = createWriteStream(path, { flags: options.append ? "a" : "w", encoding: "utf8" });
    this.#stream.on("error", (error) => {
      this.#error = error;
    });
  }

  /** Queues one line (a newline is added). */
  write(line: string): void {
    if (this.#error) throw this.#error;
    this.#stream.write(`${line}\n`);
  }

  /** Flushes and closes the file. */
  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.#stream.closed) {
        resolve();
        return;
      }
      this.#stream.end(() => (this.#error ? reject(this.#error) : resolve()));
    });
  }
}
