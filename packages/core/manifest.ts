import { isMap, isSeq, LineCounter, parseDocument, type Document } from "yaml";
import { z } from "zod";
import type { ManifestIssue } from "./errors.ts";
import { isPlugin, type Plugin } from "./plugin.ts";
import { fromZodIssues, type KnownKeys } from "./_zod_issues.ts";

/** The manifest format this core reads. */
export const MANIFEST_API_VERSION = "ual/v1";

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A stage's plugin and its options, as the manifest names them. */
export const stageRefSchema = z.strictObject({
  /**
   * The plugin: a package name (`@ual/mapper-truncated-linear`, `npm:` allowed) or a path
   * (`./my-plugin.js`), with an optional `#name` to pick one of several plugins a module exports;
   * in code also a plugin object made with `definePlugin`.
   */
  use: z.union([z.string().min(1), z.custom<Plugin>(isPlugin, { message: "expected a plugin name, a path, or a plugin made with definePlugin" })]),
  /** The plugin's options; validated against the plugin's own schema. */
  with: z.record(z.string(), z.unknown()).optional(),
  /** Overrides of the environment variables the plugin's secrets are read from: `{ apiKey: MY_KEY_VAR }`. */
  secrets: z.record(z.string(), z.string()).optional(),
  /** How many samples the uncertainty stage rates at once (overrides the plugin's default). */
  concurrency: z.int().positive().optional(),
});

/** A stage reference in a manifest. */
export type StageRef = z.infer<typeof stageRefSchema>;

/** The schema of a `ual/v1` manifest (the `with:` blocks are checked later, against each plugin). */
export const manifestSchema = z.strictObject({
  apiVersion: z.literal(MANIFEST_API_VERSION),
  /** Names the run directories (`runs/<name>-<time>`). */
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/).max(80).optional(),
  description: z.string().optional(),
  run: z
    .strictObject({
      /** The seed handed to every plugin. */
      seed: z.int().min(0).default(1337),
      /** Where run directories go, relative to the manifest (default: `runs/` in the working directory). */
      runsDir: z.string().min(1).optional(),
    })
    .default({ seed: 1337 }),
  stages: z.strictObject({
    source: stageRefSchema,
    uncertainty: stageRefSchema.optional(),
    mapper: stageRefSchema.optional(),
    loss: stageRefSchema.optional(),
    trainer: stageRefSchema.optional(),
    evaluators: z.array(stageRefSchema).optional(),
  }),
  reporters: z.array(stageRefSchema).optional(),
  /**
   * An experiment matrix: every arm × seed is run as its own manifest. An arm overrides parts of
   * this manifest by dotted path (`stages.mapper`, `stages.trainer.with.lr`); `null` removes a part.
   */
  matrix: z
    .strictObject({
      seeds: z.array(z.int().min(0)).min(1).default([1337]),
      arms: z.record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/), z.record(z.string().regex(/^(stages|run|reporters)(\.[A-Za-z0-9_]+|\[\d+\])*$/), z.unknown())),
      /**
       * The arm (or arms) the others are compared with seed by seed (paired differences, mean ±
       * 95% CI): `baseline: sft`, or `baseline: [sft, base]` for one table per baseline.
       */
      baseline: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
    })
    .optional(),
});

/** A manifest after its own schema (not yet the plugins' options) has been checked. */
export type Manifest = z.infer<typeof manifestSchema>;

const KNOWN_KEYS: Record<string, readonly string[]> = {
  "": Object.keys(manifestSchema.shape),
  run: ["seed", "runsDir"],
  matrix: ["seeds", "arms", "baseline"],
  stages: ["source", "uncertainty", "mapper", "loss", "trainer", "evaluators"],
  stage: Object.keys(stageRefSchema.shape),
};

const knownKeys: KnownKeys = (path) => {
  const named = path.filter((p) => typeof p === "string");
  if (named.length === 0) return KNOWN_KEYS[""];
  if (named.length === 1) return KNOWN_KEYS[named[0] as string];
  if (named[0] === "stages" || named[0] === "reporters") return KNOWN_KEYS.stage;
  return undefined;
};

/** A parsed manifest document, which can say on which line a path is. */
export interface ManifestSource {
  /** The data, as parsed from YAML or JSON. */
  data: unknown;
  /** The 1-based line and column of a path, when the document has it. */
  locate(path: ReadonlyArray<string | number>, atKey?: boolean): { line: number; column: number } | undefined;
  /** Syntax errors, with their lines. */
  issues: ManifestIssue[];
}

/**
 * Parses manifest text (YAML, or JSON, which is YAML too) keeping positions, so that every
 * later problem can be reported with its line.
 */
export function parseManifestText(text: string): ManifestSource {
  const lineCounter = new LineCounter();
  const doc: Document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const issues: ManifestIssue[] = doc.errors.map((error) => {
    const pos = lineCounter.linePos(error.pos[0]);
    return { path: [], message: `syntax error: ${error.message.split("\n")[0] ?? error.message}`, ...(pos ? { line: pos.line, column: pos.col } : {}) };
  });
  const locate = (path: ReadonlyArray<string | number>, atKey = false) => {
    // Walk down as far as the path exists; a missing key is reported at its parent.
    let node: unknown = doc.contents;
    let found = node as { range?: [number, number, number] } | null;
    let depth = 0;
    for (const key of path) {
      if (isMap(node)) {
        const pair = node.items.find((item) => (item.key as { value?: unknown } | null)?.value === key);
        if (!pair) break;
        depth++;
        found = (pair.key as { range?: [number, number, number] } | null) ?? found;
        node = pair.value;
        const last = depth === path.length;
        if (!(last && atKey) && !isMap(node) && !isSeq(node) && node) found = node as { range?: [number, number, number] };
      } else if (isSeq(node) && typeof key === "number") {
        const item = node.items[key];
        if (!item) break;
        depth++;
        node = item;
        found = item as { range?: [number, number, number] };
      } else break;
    }
    // A missing top-level key has no better place than the whole file.
    if (depth === 0 && path.length > 0) return undefined;
    const offset = found?.range?.[0];
    if (offset === undefined) return undefined;
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  return { data: issues.length > 0 ? undefined : doc.toJS(), locate, issues };
}

/** Checks a manifest's own structure; returns the manifest or every problem found. */
export function checkManifest(data: unknown): { manifest?: Manifest; issues: ManifestIssue[] } {
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    return { issues: [{ path: [], message: `expected a mapping with apiVersion: ${MANIFEST_API_VERSION} and stages:, got ${Array.isArray(data) ? "a list" : String(data)}` }] };
  }
  const result = manifestSchema.safeParse(data, { reportInput: true });
  if (!result.success) return { issues: fromZodIssues(result.error.issues, [], knownKeys) };
  const issues: ManifestIssue[] = [];
  const { stages } = result.data;
  if (stages.mapper && !stages.uncertainty) {
    issues.push({ path: ["stages", "mapper"], message: "a mapper needs scores: add stages.uncertainty (e.g. @ual/uncertainty-field)" });
  }
  for (const [path, ref] of stageRefs(result.data)) {
    for (const [name, env] of Object.entries(ref.secrets ?? {})) {
      // Never echo the value: a user may have pasted the key itself here.
      if (!ENV_NAME.test(env)) issues.push({ path: [...path, "secrets", name], message: "expected the name of an environment variable (e.g. OPENAI_API_KEY), not a value; secrets are read from the environment only" });
    }
  }
  return issues.length > 0 ? { issues } : { manifest: result.data, issues };
}

/** Every stage reference of a manifest with its path and the plugin kind it must be. */
export function stageRefs(manifest: Manifest): Array<[path: Array<string | number>, ref: StageRef, kind: StageKind, key: string]> {
  const out: Array<[Array<string | number>, StageRef, StageKind, string]> = [];
  const { stages } = manifest;
  out.push([["stages", "source"], stages.source, "source", "source"]);
  for (const key of ["uncertainty", "mapper", "loss", "trainer"] as const) {
    const ref = stages[key];
    if (ref) out.push([["stages", key], ref, key, key]);
  }
  (stages.evaluators ?? []).forEach((ref, i) => out.push([["stages", "evaluators", i], ref, "evaluator", `evaluators[${i}]`]));
  (manifest.reporters ?? []).forEach((ref, i) => out.push([["reporters", i], ref, "reporter", `reporters[${i}]`]));
  return out;
}

/** The plugin kinds the manifest's slots take. */
export type StageKind = "source" | "uncertainty" | "mapper" | "loss" | "trainer" | "evaluator" | "reporter";
