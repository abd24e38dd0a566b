import { spawn } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { createLogger, type Plugin, type Sample, usePlugin } from "@ual/core";
import type { Elicitor } from "@ual/llm";
import { tempDir, UAL } from "./_cli.ts";

/** A fake key: long and unusual, so that a grep for it finds only leaks. */
export const TEST_KEY = "sk-test-UALSECRET-0123456789abcdef";

/** A sample with one user turn (and an optional reply). */
export function chat(id: string, user: string, assistant?: string): Sample {
  return { id, turns: [{ role: "user", content: user }, ...(assistant !== undefined ? [{ role: "assistant" as const, content: assistant }] : [])], metadata: {} };
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
