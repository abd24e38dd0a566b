import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { closest } from "./_suggest.ts";
import { isPlugin, type Plugin } from "./plugin.ts";

/** A plugin found for a specifier, and the file it was loaded from. */
export interface LoadedPlugin {
  plugin: Plugin;
  /** The module file the plugin came from. */
  file: string;
}

/** A specifier that does not lead to a plugin; the message says why and what to do. */
export class PluginNotFoundError extends Error {
  override name = "PluginNotFoundError";
}

interface Parsed {
  target: string;
  pick: string | undefined;
  isPath: boolean;
}

function parseSpecifier(specifier: string): Parsed {
  let target = specifier.startsWith("npm:") ? specifier.slice(4) : specifier;
  let pick: string | undefined;
  const hash = target.lastIndexOf("#");
  if (hash > 0) {
    pick = target.slice(hash + 1);
    target = target.slice(0, hash);
  }
  const isPath = target.startsWith(".") || isAbsolute(target) || target.startsWith("file:");
  // npm: specifiers may carry a version range (`npm:@ual/x@^1`); resolution uses what is installed.
  if (!isPath && specifier.startsWith("npm:")) {
    const at = target.indexOf("@", target.startsWith("@") ? 1 : 0);
    if (at > 0) target = target.slice(0, at);
  }
  return { target, pick, isPath };
}

function packageNameParts(name: string): { pkg: string; subpath: string } {
  const parts = name.split("/");
  const count = name.startsWith("@") ? 2 : 1;
  const pkg = parts.slice(0, count).join("/");
  const rest = parts.slice(count).join("/");
  return { pkg, subpath: rest === "" ? "." : `./${rest}` };
}

const CONDITIONS = ["import", "node", "default"];

function pickExport(entry: unknown): string | undefined {
  if (typeof entry === "string") return entry;
  if (Array.isArray(entry)) {
    for (const item of entry) {
      const found = pickExport(item);
      if (found) return found;
    }
    return undefined;
  }
  if (entry && typeof entry === "object") {
    for (const [condition, value] of Object.entries(entry)) {
      if (CONDITIONS.includes(condition)) {
        const found = pickExport(value);
        if (found) return found;
      }
    }
  }
  return undefined;
}

/** Resolves a package directory to its ESM entry for `subpath`, as Node's `exports` rules say. */
function packageEntry(dir: string, subpath: string): string | undefined {
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
    exports?: unknown;
    module?: string;
    main?: string;
  };
  const { exports } = manifest;
  if (exports !== undefined) {
    const map =
      typeof exports === "string" || Array.isArray(exports) || !Object.keys(exports as object).some((k) => k.startsWith("."))
        ? { ".": exports }
        : (exports as Record<string, unknown>);
    const target = pickExport(map[subpath]);
    return target ? join(dir, target) : undefined;
  }
  if (subpath !== ".") return join(dir, subpath);
  for (const candidate of [manifest.module, manifest.main, "index.js"]) {
    if (candidate && existsSync(join(dir, candidate))) return join(dir, candidate);
  }
  return undefined;
}

function findPackageDir(pkg: string, from: string): string | undefined {
  let dir = from;
  for (;;) {
    const candidate = join(dir, "node_modules", pkg);
    if (existsSync(join(candidate, "package.json"))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Installed `@ual/*` package names near `from`, for "did you mean" hints. */
function installedUalPackages(from: string): string[] {
  const names = new Set<string>();
  let dir = from;
  for (;;) {
    const scope = join(dir, "node_modules", "@ual");
    if (existsSync(scope)) for (const entry of readdirSync(scope)) names.add(`@ual/${entry}`);
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return [...names];
}

// Where this copy of @ual/core is installed: bundled plugins resolve from here when a manifest
// lives outside the project (e.g. in /tmp).
const CORE_DIR = dirname(fileURLToPath(import.meta.url));

/**
 * Resolves a manifest's plugin specifier to a file: a package name (`@ual/mappers`, also
 * `npm:@ual/mappers`, with an optional `#name` fragment) searched in `node_modules` from
 * `baseDir` upwards (then from the working directory and from `@ual/core` itself), or a path
 * relative to `baseDir` (a module file or a package directory).
 */
export function resolvePluginFile(specifier: string, baseDir: string): string {
  const { target, isPath } = parseSpecifier(specifier);
  if (isPath) {
    const path = target.startsWith("file:") ? fileURLToPath(target) : resolve(baseDir, target);
    if (!existsSync(path)) throw new PluginNotFoundError(`no file or directory at ${path}`);
    if (statSync(path).isDirectory()) {
      if (!existsSync(join(path, "package.json"))) throw new PluginNotFoundError(`${path} is a directory without a package.json`);
      const entry = packageEntry(path, ".");
      if (!entry || !existsSync(entry)) throw new PluginNotFoundError(`the package at ${path} has no entry file${entry ? ` (${entry} is missing; was it built?)` : ""}`);
      return entry;
    }
    return path;
  }
  const { pkg, subpath } = packageNameParts(target);
  for (const from of [baseDir, process.cwd(), CORE_DIR]) {
    const dir = findPackageDir(pkg, from);
    if (!dir) continue;
    const entry = packageEntry(dir, subpath);
    if (!entry) throw new PluginNotFoundError(`package "${pkg}" (at ${dir}) does not export "${subpath}"`);
    if (!existsSync(entry)) throw new PluginNotFoundError(`package "${pkg}" points at ${entry}, which does not exist (was it built?)`);
    return entry;
  }
  const hint = closest(pkg, installedUalPackages(baseDir));
  throw new PluginNotFoundError(
    `cannot find package "${pkg}" from ${baseDir}${hint ? `; did you mean "${hint}"?` : ""} (install it with npm, or give a path such as ./my-plugin.js)`,
  );
}

/**
 * Loads the plugin a specifier names. A module may export several plugins; a `#name` fragment
 * picks the one whose name ends in `/name` (`@ual/mappers#rank` → `@ual/mappers/rank`).
 *
 * @example
 * ```ts
 * const { plugin } = await loadPlugin("@ual/mapper-truncated-linear", process.cwd());
 * console.log(plugin.kind); // "mapper"
 * ```
 */
export async function loadPlugin(specifier: string, baseDir: string): Promise<LoadedPlugin> {
  const file = resolvePluginFile(specifier, baseDir);
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    throw new PluginNotFoundError(`failed to import ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const plugins = Object.values(module).filter(isPlugin);
  const { pick } = parseSpecifier(specifier);
  const shortName = (p: Plugin) => p.name.slice(Math.max(p.name.lastIndexOf("/"), p.name.lastIndexOf("#")) + 1);
  if (plugins.length === 0) {
    throw new PluginNotFoundError(`${file} exports no plugin (export one made with definePlugin from @ual/core)`);
  }
  if (pick !== undefined) {
    const found = plugins.find((p) => p.name === pick || shortName(p) === pick);
    if (found) return { plugin: found, file };
    const names = plugins.map(shortName);
    const hint = closest(pick, names);
    throw new PluginNotFoundError(`"${specifier}": no plugin named "${pick}"${hint ? ` (did you mean "${hint}"?)` : ""}; it exports ${names.map((n) => `#${n}`).join(", ")}`);
  }
  if (plugins.length === 1) return { plugin: plugins[0] as Plugin, file };
  const named = module.plugin;
  if (isPlugin(named)) return { plugin: named, file };
  const base = specifier.split("#")[0] ?? specifier;
  throw new PluginNotFoundError(`"${specifier}" exports ${plugins.length} plugins; pick one: ${plugins.map((p) => `${base}#${shortName(p)}`).join(", ")}`);
}
