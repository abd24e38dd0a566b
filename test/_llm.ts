import { spawn } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { createLogger, type Plugin, type Sample, usePlugin } from "@ual/core";
import { type Elicitor, ReplyCache, RUBRIC, renderPrompt } from "@ual/llm";
import { afterEach, beforeEach } from "vitest";
import { tempDir, UAL } from "./_cli.ts";
import { defaultScore, startLlmServer, type ServerOptions } from "./llm_server/llm_server.mjs";

/** A fake key: long and unusual, so that a grep for it finds only leaks. */
export const TEST_KEY = "sk-test-UALSECRET-0123456789abcdef";

/** A sample with one user turn (and an optional reply). */
export function chat(id: string, user: string, assistant?: string): Sample {
  return { id, turns: [{ role: "user", content: user }, ...(assistant !== undefined ? [{ role: "assistant" as const, content: assistant }] : [])], metadata: {} };
}

/** The score the loopback server gives, by default, to a one-exchange sample asked with the built-in rubric. */
export function expectedScore(user: string, assistant?: string): number {
  return defaultScore(renderPrompt(RUBRIC, chat("x", user, assistant).turns));
}

/** A running loopback LLM server (test/llm_server). */
export type LlmServer = Awaited<ReturnType<typeof startLlmServer>>;

/**
 * Gives each test of the calling file a fresh loopback LLM server: started before the test (with
 * {@linkcode TEST_KEY} as the only key it accepts, unless `options` says otherwise) and closed
 * after it. The handle returned forwards to the server of the test running now, so that the
 * file's tests and helpers read `server.completions` as they would a variable set by `beforeEach`.
 */
export function loopbackServerPerTest(options: ServerOptions = {}): LlmServer {
  let current: LlmServer | undefined;
  beforeEach(async () => {
    current = await startLlmServer({ apiKey: TEST_KEY, ...options });
  });
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  const now = (): LlmServer => {
    if (!current) throw new Error("the loopback server runs only during a test (loopbackServerPerTest)");
    return current;
  };
  return new Proxy({} as LlmServer, {
    get(_, name) {
      const server = now();
      const value: unknown = Reflect.get(server, name, server);
      // Methods use `this` (close() releases held requests first): bind them to the live server.
      return typeof value === "function" ? value.bind(server) : value;
    },
  });
}

/** Creates an LLM plugin's estimator the way the runner would, with its secrets and a fresh cache dir. */
export async function createEstimator(
  plugin: Plugin,
  options: Record<string, unknown>,
  secrets: Record<string, string | undefined>,
  extra: { cacheDir?: string; signal?: AbortSignal; logs?: string[] } = {},
): Promise<Elicitor> {
  const dir = tempDir("ual-llm-");
  const context = {
    baseDir: dir,
    cacheDir: extra.cacheDir ?? join(dir, ".ual"),
    stage: "uncertainty",
    logger: createLogger((level, message) => extra.logs?.push(`${level}: ${message}`)),
    ...(extra.signal ? { signal: extra.signal } : {}),
    secrets,
  };
  return (await usePlugin(plugin, options, context)) as Elicitor;
}

/**
 * The first half of a batch-resume test: a batch-mode estimator submits `samples` to a server
 * that holds its batches, and is killed (its run signal aborted, nothing left in memory) once the
 * batch is recorded in the cache at `cacheDir` — what a restarted run finds after kill -9. Returns
 * the cache, open, for the test to inspect and close.
 */
export async function killAfterBatchRecorded(
  server: LlmServer,
  plugin: Plugin,
  options: Record<string, unknown>,
  secrets: Record<string, string | undefined>,
  cacheDir: string,
  samples: readonly Sample[],
): Promise<ReplyCache> {
  server.configure({ holdBatches: true });
  const run = new AbortController();
  const estimator = await createEstimator(plugin, options, secrets, { cacheDir, signal: run.signal });
  const pending = samples.map((s) => estimator.estimate(s, { signal: run.signal }).catch((error: unknown) => error));
  const cache = ReplyCache.open(join(cacheDir, "llm-cache.sqlite"));
  await until(() => cache.batches().length === 1, "the batch to be recorded");
  run.abort(new Error("killed"));
  await Promise.all(pending);
  await estimator.close();
  return cache;
}

/** Runs `ual` without blocking this process (the loopback server lives here). */
export function runUal(args: string[], options: { cwd: string; env: Record<string, string> }) {
  const child = spawn(process.execPath, [UAL, ...args], { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

/** Waits until `check` is true, polling every 10 ms (no wall-clock assertions: it just waits). */
export async function until(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Every file under a directory, recursively. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** The files among `paths` whose bytes contain `needle`. */
export function filesContaining(paths: string[], needle: string): string[] {
  return paths.filter((path) => readFileSync(path).includes(Buffer.from(needle)));
}
