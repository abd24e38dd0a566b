import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

/** The `ual` executable as npm links it. */
export const UAL = join(ROOT, "packages", "cli", "bin", "ual.js");

/** A fresh temporary directory. */
export function tempDir(prefix = "ual-e2e-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Runs `ual` to completion. */
export function ual(args: string[], options: { cwd?: string; input?: string; env?: Record<string, string> } = {}) {
  const result = spawnSync(process.execPath, [UAL, ...args], {
    cwd: options.cwd ?? ROOT,
    input: options.input ?? "",
    encoding: "utf8",
    env: { ...process.env, ...options.env },
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Starts `ual` in the background, for tests that signal it. */
export function startUal(args: string[], options: { cwd?: string } = {}) {
  return spawn(process.execPath, [UAL, ...args], { cwd: options.cwd ?? ROOT, stdio: ["ignore", "pipe", "pipe"] });
}
