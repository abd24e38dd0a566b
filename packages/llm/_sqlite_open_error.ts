/**
 * Explains why better-sqlite3 could not open a file when the cause is its native module rather
 * than the file: never built (its install script did not run — npm 12 runs a dependency's
 * install script only when the project's `allowScripts` lists it — or found no compiler), or
 * built for another Node version. Returns undefined for any other error (a bad path, a locked or
 * corrupt file), which the caller rethrows as it is.
 */
export function sqliteOpenError(error: unknown, file: string): Error | undefined {
  const message = error instanceof Error ? error.message : String(error);
  const first = message.split("\n")[0]!.trim();
  if (/Could not locate the bindings file/.test(message)) {
    return new Error(
      `the reply cache ${file} cannot be opened: better-sqlite3's native module was never built (${first}). ` +
        `Its install script must run: npm 12 runs it only when package.json's allowScripts lists "better-sqlite3" (npm approve-scripts better-sqlite3); then run \`npm rebuild better-sqlite3\``,
      { cause: error },
    );
  }
  const versions = /NODE_MODULE_VERSION (\d+)[\s\S]*NODE_MODULE_VERSION (\d+)/.exec(message);
  if (versions) {
    return new Error(
      `the reply cache ${file} cannot be opened: better-sqlite3's native module was built for another Node (module version ${versions[1]}; this Node ${process.version} needs ${versions[2]}). Run \`npm rebuild better-sqlite3\` with this Node`,
      { cause: error },
    );
  }
  return undefined;
}
