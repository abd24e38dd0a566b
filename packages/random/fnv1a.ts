/**
 * The 32-bit FNV-1a hash of a string's UTF-16 code units. UAL derives seeds and split decisions
 * from names with it ("ual-testbed:train:1", a sample id), so that they depend on the name alone,
 * not on the order anything else was drawn in, and are the same on every platform.
 *
 * @example
 * ```ts
 * import { createRng, fnv1a } from "@ual/random";
 * const rng = createRng(fnv1a("my-stream:seed-3"));
 * fnv1a("a"); // 0xe40c292c
 * ```
 */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
