import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import type { JsonValue } from "@ual/core";
import { sqliteOpenError } from "./_sqlite_open_error.ts";

/** The cache file's name under the run's cache directory (`.ual/`). */
export const CACHE_FILE_NAME = "llm-cache.sqlite";

/** How a rating was paid for. */
export type CallMode = "sync" | "batch";

/** One rating as the cache keeps it. */
export interface CachedReply {
  key: string;
  provider: string;
  model: string;
  promptVersion: string;
  /**
   * False while the first reply could not be read and its re-ask is still due: a run killed
   * between the two calls resumes with the re-ask instead of paying for the first call again.
   */
  final: boolean;
  score: number | null;
  reason?: string;
  /** The API's replies, in order (one, or two after a re-ask). */
  replies: JsonValue[];
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** Paid calls this rating took (1, or 2 after a re-ask). */
  calls: number;
  mode: CallMode;
  createdAt: string;
}

/** A submitted batch the cache knows of. */
export interface BatchRecord {
  id: string;
  provider: string;
  model: string;
  status: "submitted" | "ended";
  items: number;
  submittedAt: string;
}

interface ReplyRow {
  key: string;
  provider: string;
  model: string;
  prompt_version: string;
  final: number;
  score: number | null;
  reason: string | null;
  replies: string;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  calls: number;
  mode: string;
  created_at: string;
}

interface BatchRow {
  id: string;
  provider: string;
  model: string;
  status: string;
  items: number;
  submitted_at: string;
}

const SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS replies (
  key TEXT PRIMARY KEY,
  provider TEXT NOT NULL,
  model TEXT NOT NULL,
  prompt_version TEXT NOT NULL,
  final INTEGER NOT NULL,
  score REAL,
  reason TEXT,
  replies TEXT NOT NULL,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  cost_usd REAL NOT NULL,
  calls INTEGER NOT NULL,
  mode TEXT NOT NULL,
  created_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS batches (
  id TEXT PRIMARY KEY,
  provider TEXT NOT NULL,
  model TEXT NOT NULL,
  status TEXT NOT NULL,
  items INTEGER NOT NULL,
  submitted_at TEXT NOT NULL,
  ended_at TEXT
);
CREATE TABLE IF NOT EXISTS batch_items (
  batch_id TEXT NOT NULL,
  key TEXT NOT NULL,
  PRIMARY KEY (batch_id, key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS batch_items_by_key ON batch_items (key);
`;

/**
 * The reply cache: one SQLite file (WAL mode) under the run's cache directory (`.ual/`), shared
 * by runs and processes. Every write is a committed transaction before the method returns, so
 * once {@linkcode ReplyCache.put} has returned, a `kill -9` cannot lose the paid reply (WAL with
 * `synchronous=NORMAL` survives a process crash; only a power cut can drop the last commits).
 * It stores the raw replies, the parsed score, token usage and cost — never a request, a
 * header or a key.
 *
 * @example
 * ```ts
 * const cache = ReplyCache.open(".ual/llm-cache.sqlite");
 * cache.get(key)?.score;
 * cache.close();
 * ```
 */
export class ReplyCache {
  readonly file: string;
  readonly #db: Database.Database;
  readonly #get: Database.Statement<[string], ReplyRow>;
  readonly #put: Database.Statement<ReplyRow>;
  readonly #pendingFor: Database.Statement<[string], { batch_id: string }>;
  #closed = false;

  private constructor(file: string, db: Database.Database) {
    this.file = file;
    this.#db = db;
    this.#get = db.prepare("SELECT * FROM replies WHERE key = ?");
    this.#put = db.prepare(
      `INSERT OR REPLACE INTO replies (key, provider, model, prompt_version, final, score, reason, replies, input_tokens, output_tokens, cost_usd, calls, mode, created_at)
       VALUES (@key, @provider, @model, @prompt_version, @final, @score, @reason, @replies, @input_tokens, @output_tokens, @cost_usd, @calls, @mode, @created_at)`,
    );
    this.#pendingFor = db.prepare(
      "SELECT i.batch_id FROM batch_items i JOIN batches b ON b.id = i.batch_id WHERE i.key = ? AND b.status = 'submitted' ORDER BY b.submitted_at DESC LIMIT 1",
    );
  }

  /** Opens (creating if needed) the cache file and its directory. */
  static open(file: string): ReplyCache {
    if (file !== ":memory:") mkdirSync(dirname(file), { recursive: true });
    let db: Database.Database;
    try {
      db = new Database(file, { timeout: 10_000 });
    } catch (error) {
      throw sqliteOpenError(error, file) ?? error;
    }
    try {
      db.pragma("journal_mode = WAL");
      db.pragma("synchronous = NORMAL");
      const version = db.pragma("user_version", { simple: true }) as number;
      if (version > SCHEMA_VERSION) {
        throw new Error(`the reply cache ${file} was written by a newer @ual/llm (schema ${version}); upgrade, or set cacheFile to another path`);
      }
      db.exec(SCHEMA);
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
    } catch (error) {
      db.close();
      throw error;
    }
    return new ReplyCache(file, db);
  }

  /** The rating stored under `key`, if any. */
  get(key: string): CachedReply | undefined {
    const row = this.#get.get(key);
    return row ? fromRow(row) : undefined;
  }

  /** Stores (or replaces) a rating; committed when this returns. */
  put(entry: CachedReply): void {
    if (this.#closed) throw new Error(`the reply cache ${this.file} is closed`);
    this.#put.run({
      key: entry.key,
      provider: entry.provider,
      model: entry.model,
      prompt_version: entry.promptVersion,
      final: entry.final ? 1 : 0,
      score: entry.score,
      reason: entry.reason ?? null,
      replies: JSON.stringify(entry.replies),
      input_tokens: entry.inputTokens,
      output_tokens: entry.outputTokens,
      cost_usd: entry.costUsd,
      calls: entry.calls,
      mode: entry.mode,
      created_at: entry.createdAt,
    });
  }

  /**
   * Records a submitted batch and the keys it rates, in one transaction. Call it as soon as the
   * provider has returned the batch id and before polling, so that a restarted run finds the
   * batch and resumes polling instead of paying for it again.
   */
  recordBatch(batch: { id: string; provider: string; model: string; keys: readonly string[] }): void {
    const insertBatch = this.#db.prepare("INSERT OR IGNORE INTO batches (id, provider, model, status, items, submitted_at) VALUES (?, ?, ?, 'submitted', ?, ?)");
    const insertItem = this.#db.prepare("INSERT OR IGNORE INTO batch_items (batch_id, key) VALUES (?, ?)");
    this.#db.transaction(() => {
      insertBatch.run(batch.id, batch.provider, batch.model, batch.keys.length, new Date().toISOString());
      for (const key of batch.keys) insertItem.run(batch.id, key);
    })();
  }

  /** Marks a batch as ended (its results are stored); it is no longer polled. */
  endBatch(id: string): void {
    this.#db.prepare("UPDATE batches SET status = 'ended', ended_at = ? WHERE id = ?").run(new Date().toISOString(), id);
  }

  /** The id of a submitted, unfinished batch that rates `key`, if there is one. */
  pendingBatchFor(key: string): string | undefined {
    return this.#pendingFor.get(key)?.batch_id;
  }

  /** The keys a batch rates. */
  batchKeys(id: string): string[] {
    return this.#db.prepare<[string], { key: string }>("SELECT key FROM batch_items WHERE batch_id = ?").all(id).map((row) => row.key);
  }

  /** Every batch the cache knows of, newest first. */
  batches(): BatchRecord[] {
    return this.#db
      .prepare<[], BatchRow>("SELECT id, provider, model, status, items, submitted_at FROM batches ORDER BY submitted_at DESC")
      .all()
      .map((row) => ({ id: row.id, provider: row.provider, model: row.model, status: row.status === "ended" ? "ended" : "submitted", items: row.items, submittedAt: row.submitted_at }));
  }

  /** How many ratings the cache holds. */
  size(): number {
    return (this.#db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM replies").get()?.n ?? 0);
  }

  /** True once {@linkcode ReplyCache.close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Closes the database (a checkpoint folds the WAL back into the file). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#db.close();
  }
}

function fromRow(row: ReplyRow): CachedReply {
  return {
    key: row.key,
    provider: row.provider,
    model: row.model,
    promptVersion: row.prompt_version,
    final: row.final === 1,
    score: row.score,
    ...(row.reason !== null ? { reason: row.reason } : {}),
    replies: JSON.parse(row.replies) as JsonValue[],
    inputTokens: row.input_tokens,
    outputTokens: row.output_tokens,
    costUsd: row.cost_usd,
    calls: row.calls,
    mode: row.mode === "batch" ? "batch" : "sync",
    createdAt: row.created_at,
  };
}
