import { createHash } from "node:crypto";

/** The SHA-256 of a UTF-8 text, as 64 hex digits. */
export function sha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}
