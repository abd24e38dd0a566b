import type { z } from "zod";
import type { manifestSchema } from "./manifest.ts";

/**
 * A manifest as code writes it: the YAML schema, field for field, where `use:` may also be a
 * plugin object and defaults (`run.seed`, ...) may be left out.
 */
export type ManifestInput = z.input<typeof manifestSchema>;

/**
 * Types a manifest written in code against the same schema as a YAML one, so that an editor
 * completes and checks it; `use:` takes a package name, a path or a plugin object. Nothing is
 * validated here: {@linkcode run} (or `resolveManifest`) checks it completely, plugins' options
 * included, before anything runs.
 *
 * @example
 * ```ts
 * import { defineManifest, run } from "@ual/core";
 *
 * const manifest = defineManifest({
 *   apiVersion: "ual/v1",
 *   name: "scores",
 *   stages: {
 *     source: { use: "@ual/source-jsonl", with: { path: "data.jsonl" } },
 *     uncertainty: { use: myEstimator },
 *     mapper: { use: "@ual/mapper-truncated-linear", with: { alpha: 0.1 } },
 *   },
 * });
 * run(manifest).subscribe((event) => console.log(event.type));
 * ```
 */
export function defineManifest<const M extends ManifestInput>(manifest: M): M {
  return manifest;
}
