/** Where a manifest problem is: its path in the document, and the line when known. */
export interface ManifestIssue {
  /** Path into the manifest, e.g. `["stages", "mapper", "with", "alpha"]`. */
  path: ReadonlyArray<string | number>;
  message: string;
  line?: number;
  column?: number;
  /** The problem is the key itself (an unknown key), not its value. */
  atKey?: boolean;
}

/**
 * Formats a manifest path the way people write it: `stages.evaluators[0].with.alpha`.
 *
 * @example
 * ```ts
 * formatPath(["stages", "evaluators", 0, "with"]); // "stages.evaluators[0].with"
 * ```
 */
export function formatPath(path: ReadonlyArray<string | number>): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? part : `.${part}`;
  }
  return out === "" ? "(root)" : out;
}

/** Formats one issue as `file:line:col path: message`. */
export function formatIssue(issue: ManifestIssue, file?: string): string {
  const where = file
    ? issue.line !== undefined
      ? `${file}:${issue.line}:${issue.column ?? 1} `
      : `${file}: `
    : "";
  return `${where}${formatPath(issue.path)}: ${issue.message}`;
}

/**
 * A manifest that cannot run. It carries every problem found, not just the first, so that a
 * user can fix them all in one go. The CLI exits with code 2 on it.
 */
export class ManifestError extends Error {
  override name = "ManifestError";
  readonly issues: readonly ManifestIssue[];
  readonly file: string | undefined;

  constructor(issues: readonly ManifestIssue[], file?: string) {
    const lines = issues.map((issue) => `  ${formatIssue(issue, file)}`);
    const count = issues.length === 1 ? "1 problem" : `${issues.length} problems`;
    super(`${file ?? "manifest"}: ${count}:\n${lines.join("\n")}`);
    this.issues = issues;
    this.file = file;
  }
}

/** A plugin failed; the message names the plugin and the stage. */
export class PluginError extends Error {
  override name = "PluginError";
  readonly plugin: string;
  readonly stage: string;

  constructor(plugin: string, stage: string, message: string, options?: { cause?: unknown }) {
    super(`${stage} (${plugin}): ${message}`, options);
    this.plugin = plugin;
    this.stage = stage;
  }
}
