import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { resolvePluginFile } from "./load_plugin.ts";
import { isPlugin, type Plugin } from "./plugin.ts";
import { fileURLToPath, pathToFileURL } from "node:url";

/** A plugin found installed, with the specifier a manifest would use for it. */
export interface DiscoveredPlugin {
  specifier: string;
  plugin: Plugin;
  /** The package directory. */
  dir: string;
}

/** A package that looked like a plugin but failed to load. */
export interface DiscoveryProblem {
  package: string;
  message: string;
}

function packageDirs(from: string): Map<string, string> {
  const found = new Map<string, string>();
  let dir = from;
  for (;;) {
    const modules = join(dir, "node_modules");
    if (existsSync(modules)) {
      for (const entry of readdirSync(modules)) {
        if (entry.startsWith(".")) continue;
        if (entry.startsWith("@")) {
          for (const scoped of readdirSync(join(modules, entry))) {
            const name = `${entry}/${scoped}`;
            if (!found.has(name)) found.set(name, join(modules, entry, scoped));
          }
        } else if (!found.has(entry)) found.set(entry, join(modules, entry));
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return found;
    dir = parent;
  }
}

function looksLikePlugin(name: string, dir: string): boolean {
  if (name.startsWith("@ual/")) return true;
  try {
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { keywords?: unknown };
    return Array.isArray(manifest.keywords) && manifest.keywords.includes("ual-plugin");
  } catch {
    return false;
  }
}

/**
 * Lists the plugins installed where a manifest in `from` would find them: every `@ual/*`
 * package and every package with the `ual-plugin` keyword in `node_modules` from `from`
 * upwards (and beside `@ual/core`). A package exporting several plugins is listed once per
 * plugin, as `package#name`.
 */
export async function discoverPlugins(from: string): Promise<{ plugins: DiscoveredPlugin[]; problems: DiscoveryProblem[] }> {
  const dirs = packageDirs(from);
  for (const [name, dir] of packageDirs(dirname(fileURLToPath(import.meta.url)))) if (!dirs.has(name)) dirs.set(name, dir);
  const plugins: DiscoveredPlugin[] = [];
  const problems: DiscoveryProblem[] = [];
  for (const [name, dir] of [...dirs].sort(([a], [b]) => a.localeCompare(b))) {
    if (!looksLikePlugin(name, dir)) continue;
    let exported: Plugin[];
    try {
      const module = (await import(pathToFileURL(resolvePluginFile(name, from)).href)) as Record<string, unknown>;
      exported = Object.values(module).filter(isPlugin);
    } catch (error) {
      problems.push({ package: name, message: error instanceof Error ? error.message : String(error) });
      continue;
    }
    // Libraries in the @ual scope (core, mapping, ...) export no plugin: not a problem, just not listed.
    for (const plugin of exported) {
      const short = plugin.name.slice(Math.max(plugin.name.lastIndexOf("/"), plugin.name.lastIndexOf("#")) + 1);
      plugins.push({ specifier: exported.length > 1 ? `${name}#${short}` : name, plugin, dir });
    }
  }
  return { plugins, problems };
}
