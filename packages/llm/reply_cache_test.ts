import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { ReplyCache, type CachedReply } from "./reply_cache.ts";

const entry = (key: string, extra: Partial<CachedReply> = {}): CachedReply => ({
  key,
  provider: "openai",
  model: "gpt-4o",
  promptVersion: "ual-rubric-v1",
  final: true,
  score: 42,
  replies: [{ content: '{"score": 42}' }],
  inputTokens: 500,
  outputTokens: 6,
  costUsd: 0.00131,
  calls: 1,
  mode: "sync",
  createdAt: "2025-01-01T00:00:00.000Z",
  ...extra,
});

const file = () => join(mkdtempSync(join(tmpdir(), "ual-cache-")), "nested", "llm-cache.sqlite");

describe("ReplyCache", () => {
  it("ReplyCache stores and returns a rating with its raw reply, tokens and cost, across reopening", () => {
    const path = file();
    const cache = ReplyCache.open(path);
    expect(cache.get("a")).toBeUndefined();
    cache.put(entry("a"));
    cache.put(entry("b", { final: false, score: null, reason: "empty reply" }));
    expect(cache.get("a")).toEqual(entry("a"));
    cache.close();
    const again = ReplyCache.open(path);
    expect(again.get("b")).toEqual(entry("b", { final: false, score: null, reason: "empty reply" }));
    expect(again.size()).toBe(2);
    again.close();
  });

  it("ReplyCache runs in WAL mode, so a killed writer loses no committed rating", () => {
    const path = file();
    const cache = ReplyCache.open(path);
    const db = new Database(path, { readonly: true });
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    cache.put(entry("a"));
    // Another connection (another process in real life) sees the row at once, before any close.
    expect(db.prepare("SELECT score FROM replies WHERE key = 'a'").get()).toEqual({ score: 42 });
    db.close();
    cache.close();
  });

  it("ReplyCache records batches before polling and finds the batch that holds a key", () => {
    const cache = ReplyCache.open(file());
    cache.recordBatch({ id: "batch_1", provider: "openai", model: "gpt-4o", keys: ["a", "b"] });
    expect(cache.pendingBatchFor("a")).toBe("batch_1");
    expect(cache.pendingBatchFor("c")).toBeUndefined();
    expect(cache.batchKeys("batch_1").sort()).toEqual(["a", "b"]);
    expect(cache.batches()).toMatchObject([{ id: "batch_1", status: "submitted", items: 2 }]);
    cache.endBatch("batch_1");
    expect(cache.pendingBatchFor("a")).toBeUndefined();
    expect(cache.batches()[0]?.status).toBe("ended");
    cache.close();
  });

  it("ReplyCache refuses a file written by a newer schema, and a closed cache refuses writes", () => {
    const path = file();
    ReplyCache.open(path).close();
    const db = new Database(path);
    db.pragma("user_version = 99");
    db.close();
    expect(() => ReplyCache.open(path)).toThrow("newer @ual/llm");
    const cache = ReplyCache.open(file());
    cache.close();
    expect(cache.closed).toBe(true);
    expect(() => cache.put(entry("a"))).toThrow("closed");
  });
});
