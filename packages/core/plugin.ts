import type { z } from "zod";
import type { Logger } from "./logger.ts";
import type { PluginKind } from "./plugin_kind.ts";
import type { Evaluator, Loss, Mapper, Source, Trainer, UncertaintyEstimator } from "./kinds.ts";
import type { Reporter } from "./reporter.ts";

/** The plugin API this core implements. A plugin declares the version it was written for. */
export const PLUGIN_API_VERSION = 1;

/** The instance each kind of plugin creates. */
export interface KindInstances {
  source: Source;
  uncertainty: UncertaintyEstimator;
  mapper: Mapper;
  loss: Loss;
  trainer: Trainer;
  evaluator: Evaluator;
  reporter: Reporter;
}

/** A secret a plugin needs, read from an environment variable (overridable in the manifest). */
export interface SecretSpec {
  /** The default environment variable, e.g. `OPENAI_API_KEY`. */
  env: string;
  /** When true, a run fails before it starts if the variable is unset. */
  required?: boolean;
  description?: string;
}

/** What `create` receives besides its validated options. */
export interface PluginContext {
  runId: string;
  /** This run's directory (`runs/<run-id>/`); outputs go here. */
  runDir: string;
  /** The directory of the manifest; relative paths in options are relative to it. */
  baseDir: string;
  /** A directory for caches that outlive runs (`.ual/`). */
  cacheDir: string;
  /** The manifest's name for this stage (`source`, `uncertainty`, `evaluators[0]`, ...). */
  stage: string;
  logger: Logger;
  /** Aborted on Ctrl-C or when the run fails. */
  signal: AbortSignal;
  /** The values of the secrets the plugin declared, by their declared names; nothing else of the environment. */
  secrets: Readonly<Record<string, string | undefined>>;
  /** The environment variable each declared secret is read from (after the manifest's overrides), for messages such as "set OPENAI_API_KEY". */
  secretEnv: Readonly<Record<string, string>>;
  /** Resolves a path from the options against `baseDir`. */
  resolvePath(path: string): string;
  /** The run's seed (manifest `run.seed`), for plugins that draw random numbers. */
  seed: number;
}

/** What a plugin author writes. */
export interface PluginSpec<K extends PluginKind, S extends z.ZodType> {
  /** The npm package name, e.g. `@ual/mapper-truncated-linear`. */
  name: string;
  version: string;
  kind: K;
  /** The plugin API version it targets; must equal {@linkcode PLUGIN_API_VERSION}. */
  apiVersion: number;
  /** One line for `ual plugins`. */
  description?: string;
  /** The schema of the manifest's `with:` block. Unknown keys should be rejected (`z.strictObject`). */
  options: S;
  /** Environment secrets the plugin may read, by name. */
  secrets?: Readonly<Record<string, SecretSpec>>;
  create(options: z.output<S>, context: PluginContext): KindInstances[K] | Promise<KindInstances[K]>;
}

const BRAND: unique symbol = Symbol.for("@ual/core/plugin") as never;

/** A plugin, as `definePlugin` returns it. */
export interface Plugin<K extends PluginKind = PluginKind, S extends z.ZodType = z.ZodType>
  extends Readonly<PluginSpec<K, S>> {
  readonly [BRAND]: true;
}

/**
 * Declares a plugin: one options object in, a typed instance of its kind out. The brand lets the
 * loader find plugins among a module's exports, even across copies of `@ual/core`.
 *
 * @example
 * ```ts
 * import { definePlugin, z } from "@ual/core";
 *
 * export const plugin = definePlugin({
 *   name: "ual-uncertainty-length",
 *   version: "1.0.0",
 *   kind: "uncertainty",
 *   apiVersion: 1,
 *   options: z.strictObject({ scale: z.number().positive().default(1) }),
 *   create: ({ scale }) => ({
 *     estimate: async (sample) => ({ score: scale * sample.turns.length }),
 *   }),
 * });
 * ```
 */
export function definePlugin<K extends PluginKind, S extends z.ZodType>(spec: PluginSpec<K, S>): Plugin<K, S> {
  return Object.freeze({ ...spec, [BRAND]: true as const });
}

/** True when `value` was made by {@linkcode definePlugin} (of any copy of `@ual/core`). */
export function isPlugin(value: unknown): value is Plugin {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}
