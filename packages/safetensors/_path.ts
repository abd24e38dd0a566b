import { fileURLToPath } from "node:url";

/** A file-system path from a path or a `file:` URL. */
export function toPath(path: string | URL): string {
  return typeof path === "string" ? path : fileURLToPath(path);
}
