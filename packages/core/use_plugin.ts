import { isAbsolute, join, resolve } from "node:path";
import { ManifestError } from "./errors.ts";
import { silentLogger } from "./logger.ts";
import type { KindInstances, Plugin, PluginContext } from "./plugin.ts";
import type { PluginKind } from "./plugin_kind.ts";
import { fromZodIssues, objectKeys } from "./_zod_issues.ts";

/**
 * A plugin context for using a plugin outside a pipeline — in a script or a test. Paths resolve
 * against `baseDir` (default: the working directory); the signal never aborts unless given; the
 * logger is silent unless given; no secrets unless given.
 *
 * @example
 * ```ts
 * const context = createPluginContext({ baseDir: "data", secrets: { apiKey: process.env.OPENAI_API_KEY } });
 * ```
 */
export function createPluginContext(overrides: Partial<PluginContext> = {}): PluginContext {
  const baseDir = overrides.baseDir ?? process.cwd();
  return {
    runId: "standalone",
    runDir: join(baseDir, "runs", "standalone"),
    cacheDir: join(baseDir, ".ual"),
    stage: "standalone",
    logger: silentLogger,
    signal: new AbortController().signal,
    secrets: {},
    secretEnv: {},
    seed: 1337,
    resolvePath: (path) => (isAbsolute(path) ? path : resolve(baseDir, path)),
    ...overrides,
    baseDir,
  };
}

/**
 * Validates options against a plugin's schema (as a manifest's `with:` would be) and creates the
 * plugin's instance — the way to use a plugin from code.
 *
 * @throws {ManifestError} listing every problem with the options.
 *
 * @example
 * ```ts
 * import { usePlugin } from "@ual/core";
 * import { plugin } from "@ual/mapper-truncated-linear";
 *
 * const mapper = await usePlugin(plugin, { alpha: 0.2 });
 * mapper.map([10, 20, 30]).values; // [0.1, 0.2, 0.3]
 * ```
 */
export async function usePlugin<K extends PluginKind>(
  plugin: Plugin<K>,
  options: unknown = {},
  context: Partial<PluginContext> = {},
): Promise<KindInstances[K]> {
  const parsed = plugin.options.safeParse(options, { reportInput: true });
  if (!parsed.success) {
    const keys = objectKeys(plugin.options);
    throw new ManifestError(fromZodIssues(parsed.error.issues, ["with"], (p) => (p.length === 0 ? keys : undefined)), plugin.name);
  }
  return plugin.create(parsed.data, createPluginContext(context));
}
