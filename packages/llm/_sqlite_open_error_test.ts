import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { sqliteOpenError } from "./_sqlite_open_error.ts";

const require = createRequire(import.meta.url);
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

/** The error better-sqlite3 itself throws when its native module was never built: a copy of the package without `build/`. */
function unbuiltError(): string {
  const dir = mkdtempSync(join(tmpdir(), "ual-sqlite-unbuilt-"));
  try {
    const sqlite = packageDir("better-sqlite3");
    for (const part of ["package.json", "lib"]) cpSync(join(sqlite, part), join(dir, "node_modules", "better-sqlite3", part), { recursive: true });
    cpSync(packageDir("bindings"), join(dir, "node_modules", "bindings"), { recursive: true });
    cpSync(packageDir("file-uri-to-path"), join(dir, "node_modules", "file-uri-to-path"), { recursive: true });
    const script = "const Database = require('better-sqlite3'); try { new Database(':memory:'); } catch (e) { process.stdout.write(e.message); process.exit(3); }";
    const out = spawnSync(process.execPath, ["-e", script], { cwd: dir, encoding: "utf8" });
    expect(out.status, out.stderr).toBe(3);
    return out.stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("sqliteOpenError()", () => {
  it("sqliteOpenError() names allowScripts and npm rebuild when better-sqlite3's native module was never built (its real error)", () => {
    const cause = new Error(unbuiltError());
    const explained = sqliteOpenError(cause, "/runs/.ual/llm-cache.sqlite");
    expect(explained?.message).toMatch(/^the reply cache \/runs\/\.ual\/llm-cache\.sqlite cannot be opened: better-sqlite3's native module was never built \(Could not locate the bindings file/);
    expect(explained?.message).toContain('allowScripts lists "better-sqlite3"');
    expect(explained?.message).toContain("npm rebuild better-sqlite3");
    expect(explained?.cause).toBe(cause);
  });

  it("sqliteOpenError() names both module versions when the module was built for another Node", () => {
    // the shape of Node's own ERR_DLOPEN_FAILED message for an ABI mismatch
    const cause = new Error(
      "The module '/app/node_modules/better-sqlite3/build/Release/better_sqlite3.node'\nwas compiled against a different Node.js version using\nNODE_MODULE_VERSION 115. This version of Node.js requires\nNODE_MODULE_VERSION 137. Please try re-compiling or re-installing\nthe module (for instance, using `npm rebuild` or `npm install`).",
    );
    const explained = sqliteOpenError(cause, "cache.sqlite");
    expect(explained?.message).toContain("module version 115; this Node");
    expect(explained?.message).toContain("needs 137");
    expect(explained?.message).toContain("npm rebuild better-sqlite3");
  });

  it("sqliteOpenError() leaves other errors to the caller", () => {
    expect(sqliteOpenError(new Error("unable to open database file"), "x.sqlite")).toBeUndefined();
    expect(sqliteOpenError("SQLITE_BUSY", "x.sqlite")).toBeUndefined();
  });
});
