import { findBackendFactory, version_core } from "@tensorflow/tfjs-core";

/** The two native TensorFlow packages, both of which register the backend "tensorflow". */
export type NativePackage = "@tensorflow/tfjs-node-gpu" | "@tensorflow/tfjs-node";

/** How an optional module is imported; tests pass a fake. */
export type ImportModule = (specifier: string) => Promise<unknown>;

/** The outcome of trying to load one native package. */
export type NativeLoad =
  | { status: "loaded" }
  | { status: "missing" }
  | { status: "broken"; reason: string };

// A variable specifier keeps TypeScript and the bundler from resolving a package that is
// usually not installed.
export const defaultImport: ImportModule = (specifier) => import(specifier);

function isMissing(error: unknown, specifier: string): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  // Only "this package is absent" counts as missing: a package that is present but whose
  // native binding failed to load (no libtensorflow, no CUDA) must be reported, not skipped.
  if ((code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") && message.includes(`'${specifier}'`)) {
    return true;
  }
  // Vite (and so Vitest) replaces an absent optional peer dependency with a module that throws this.
  return message.startsWith(`Could not resolve "${specifier}"`);
}

/**
 * Imports a native package once. Importing it registers the "tensorflow" backend as a side
 * effect — in *its* copy of @tensorflow/tfjs-core, which must be ours (same version) to be usable.
 */
export async function loadNative(specifier: NativePackage, importModule: ImportModule): Promise<NativeLoad> {
  try {
    await importModule(specifier);
  } catch (error) {
    if (isMissing(error, specifier)) return { status: "missing" };
    return { status: "broken", reason: error instanceof Error ? error.message.split("\n")[0] ?? "" : String(error) };
  }
  if (findBackendFactory("tensorflow") == null) {
    return {
      status: "broken",
      reason:
        `it loaded but registered its backend in another copy of @tensorflow/tfjs-core; ` +
        `install the version of ${specifier} that matches @tensorflow/tfjs-core here`,
    };
  }
  return { status: "loaded" };
}

/** What the user runs to get a native package, for error messages (its version must match tfjs-core's). */
export function installHint(specifier: NativePackage): string {
  return specifier === "@tensorflow/tfjs-node-gpu"
    ? `npm install @tensorflow/tfjs-node-gpu@${version_core} (x64 Linux or Windows with an NVIDIA driver ≥ 450, CUDA 11.2 ` +
      "and cuDNN 8.1; its install script downloads libtensorflow, so it is not installable on machines without " +
      "internet access to that binary)"
    : `npm install @tensorflow/tfjs-node@${version_core} (its install script downloads libtensorflow, so it is not ` +
      "installable on machines without internet access to that binary)";
}
