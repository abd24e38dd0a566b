import type { Turn } from "@ual/core";
import { sha256 } from "./_sha256.ts";

/**
 * A fingerprint of a dialogue: the SHA-256 of its roles and contents, in order. Two samples
 * with the same turns are the same question to the rater (whatever their ids or metadata), so
 * they share one cache entry and one paid call.
 *
 * @example
 * ```ts
 * conversationHash([{ role: "user", content: "2+2?" }]); // "5c1e…" (64 hex digits)
 * ```
 */
export function conversationHash(turns: readonly Turn[]): string {
  return sha256(JSON.stringify(turns.map((turn) => [turn.role, turn.content])));
}
