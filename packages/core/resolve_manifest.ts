import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { ManifestError, type ManifestIssue } from "./errors.ts";
import { loadPlugin } from "./load_plugin.ts";
import { checkManifest, parseManifestText, stageRefs, type Manifest, type StageKind, type StageRef } from "./manifest.ts";
import { PLUGIN_API_VERSION, type Plugin } from "./plugin.ts";
import { fromZodIssues, objectKeys } from "./_zod_issues.ts";

/** One stage of a validated manifest: its plugin, loaded, and its options, parsed. */
export interface ResolvedStage {
  /** `source`, `mapper`, `evaluators[0]`, `reporters[1]`, ... */
  key: string;
  path: Array<string | number>;
  kind: StageKind;
  ref: StageRef;
  plugin: Plugin;
  /** The module file the plugin was loaded from; `(inline)` for a plugin object given in code. */
  file: string;
  /** The plugin's options after its schema applied defaults. */
  options: unknown;
  /** Environment variable of each declared secret, after the manifest's overrides. */
  secretEnv: Record<string, string>;
}

/** A manifest whose structure and every plugin's options have been checked. */
export interface ResolvedManifest {
  /** The manifest file, when it came from one. */
  file?: string;
  /** Relative paths in options resolve against this directory. */
  baseDir: string;
  manifest: Manifest;
  stages: ResolvedStage[];
  /** A hash of the resolved manifest: runs of the same manifest share it, which is how a rerun finds the run to resume. */
  hash: string;
  /** Problems that do not stop validation but would stop a run (e.g. an unset secret). */
  warnings: ManifestIssue[];
}

/** Options of {@linkcode resolveManifest}. */
export interface ResolveOptions {
  /** Where the manifest lives; relative paths and plugin look-ups start here. */
  baseDir: string;
  /** The file name to show in messages. */
  file?: string;
  /** The environment to check secrets against (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Validates a manifest completely before anything runs — its structure, that every plugin
 * resolves and is of the right kind and API version, and every plugin's options — and throws
 * a {@linkcode ManifestError} listing every problem with its path and line.
 *
 * @example
 * ```ts
 * const resolved = await resolveManifest(text, { baseDir: "examples", file: "examples/map.yaml" });
 * ```
 */
export async function resolveManifest(input: string | object, options: ResolveOptions): Promise<ResolvedManifest> {
  const source = typeof input === "string" ? parseManifestText(input) : { data: input, locate: () => undefined, issues: [] };
  const withLines = (issues: ManifestIssue[]) =>
    issues.map((issue) => (issue.line !== undefined ? issue : { ...issue, ...source.locate(issue.path, issue.atKey) }));
  if (source.issues.length > 0) throw new ManifestError(source.issues, options.file);
  const checked = checkManifest(source.data);
  if (!checked.manifest) throw new ManifestError(withLines(checked.issues), options.file);
  const manifest = checked.manifest;

  const issues: ManifestIssue[] = [];
  const warnings: ManifestIssue[] = [];
  const env = options.env ?? process.env;
  const stages: ResolvedStage[] = [];
  await Promise.all(
    stageRefs(manifest).map(async ([path, ref, kind, key]) => {
      let plugin: Plugin;
      let file: string;
      try {
        ({ plugin, file } = typeof ref.use === "string" ? await loadPlugin(ref.use, options.baseDir) : { plugin: ref.use, file: INLINE });
      } catch (error) {
        issues.push({ path: [...path, "use"], message: error instanceof Error ? error.message : String(error) });
        return;
      }
      if (plugin.kind !== kind) {
        issues.push({ path: [...path, "use"], message: `"${pluginSpecifier(ref.use)}" is ${an(plugin.kind)} plugin, but this slot takes ${an(kind)} plugin` });
        return;
      }
      if (plugin.apiVersion !== PLUGIN_API_VERSION) {
        issues.push({
          path: [...path, "use"],
          message: `"${plugin.name}" ${plugin.version} targets plugin API ${plugin.apiVersion}, but this @ual/core implements API ${PLUGIN_API_VERSION}; use a release of the plugin made for API ${PLUGIN_API_VERSION}`,
        });
        return;
      }
      if (ref.concurrency !== undefined && kind !== "uncertainty") {
        issues.push({ path: [...path, "concurrency"], message: "concurrency applies to the uncertainty stage only" });
      }
      const parsed = plugin.options.safeParse(ref.with ?? {}, { reportInput: true });
      if (!parsed.success) {
        const keys = objectKeys(plugin.options);
        issues.push(...fromZodIssues(parsed.error.issues, [...path, "with"], (p) => (p.length === 0 ? keys : undefined)));
      }
      const declared = plugin.secrets ?? {};
      const secretEnv: Record<string, string> = {};
      for (const name of Object.keys(ref.secrets ?? {})) {
        if (!(name in declared)) {
          const known = Object.keys(declared);
          issues.push({ path: [...path, "secrets", name], message: `"${plugin.name}" declares no secret "${name}"${known.length > 0 ? `; it declares ${known.join(", ")}` : "; it declares none"}` });
        }
      }
      for (const [name, spec] of Object.entries(declared)) {
        const variable = ref.secrets?.[name] ?? spec.env;
        secretEnv[name] = variable;
        if (spec.required && !env[variable]) {
          warnings.push({ path: [...path, "use"], message: `"${plugin.name}" needs the environment variable ${variable} (secret "${name}") to run; it is not set` });
        }
      }
      stages.push({ key, path, kind, ref, plugin, file, options: parsed.success ? parsed.data : undefined, secretEnv });
    }),
  );
  if (issues.length > 0) {
    issues.sort((a, b) => pathOrder(a.path) - pathOrder(b.path));
    throw new ManifestError(withLines(issues), options.file);
  }
  const order = stageRefs(manifest).map(([, , , key]) => key);
  stages.sort((a, b) => order.indexOf(a.key) - order.indexOf(b.key));
  const hash = createHash("sha256")
    .update(JSON.stringify({ manifest: { ...withSpecifiers(manifest), reporters: undefined }, stages: stages.filter((s) => s.kind !== "reporter").map((s) => [s.key, s.plugin.name, s.plugin.version, s.options]) }))
    .digest("hex")
    .slice(0, 16);
  return { ...(options.file ? { file: options.file } : {}), baseDir: options.baseDir, manifest, stages, hash, warnings: withLines(warnings) };
}

/** The `file` of a stage whose plugin was given as an object in code. */
const INLINE = "(inline)";

/**
 * How a manifest names a stage's plugin, as text: the specifier itself, or `name@version` for a
 * plugin object given in code (that is also what run directories and hashes record).
 */
export function pluginSpecifier(use: StageRef["use"]): string {
  return typeof use === "string" ? use : `${use.name}@${use.version}`;
}

/** The manifest with every plugin object replaced by its {@linkcode pluginSpecifier}: plain JSON. */
function withSpecifiers(manifest: Manifest): Manifest {
  const ref = (r: StageRef): StageRef => ({ ...r, use: pluginSpecifier(r.use) });
  const { stages } = manifest;
  return {
    ...manifest,
    stages: {
      ...stages,
      source: ref(stages.source),
      ...(stages.uncertainty ? { uncertainty: ref(stages.uncertainty) } : {}),
      ...(stages.mapper ? { mapper: ref(stages.mapper) } : {}),
      ...(stages.loss ? { loss: ref(stages.loss) } : {}),
      ...(stages.trainer ? { trainer: ref(stages.trainer) } : {}),
      ...(stages.evaluators ? { evaluators: stages.evaluators.map(ref) } : {}),
    },
    ...(manifest.reporters ? { reporters: manifest.reporters.map(ref) } : {}),
  };
}

function an(word: string): string {
  return /^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`;
}

function pathOrder(path: ReadonlyArray<string | number>): number {
  const order = ["source", "uncertainty", "mapper", "loss", "trainer", "evaluators"];
  if (path[0] === "reporters") return 100 + Number(path[1] ?? 0);
  const i = order.indexOf(String(path[1]));
  return i < 0 ? 99 : i * 10 + (typeof path[2] === "number" ? path[2] : 0);
}

/** Reads a manifest file's text; a missing or unreadable file is a {@linkcode ManifestError}. */
export async function readManifestFile(file: string): Promise<string> {
  try {
    return await readFile(resolve(file), "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ManifestError([{ path: [], message: code === "ENOENT" ? "no such file" : `cannot read: ${String(error)}` }], file);
  }
}

/** Reads and resolves a manifest file (`.yaml`, `.yml` or `.json`). */
export async function loadManifest(file: string, options: Omit<ResolveOptions, "baseDir" | "file"> = {}): Promise<ResolvedManifest> {
  return resolveManifest(await readManifestFile(file), { ...options, baseDir: dirname(resolve(file)), file });
}
