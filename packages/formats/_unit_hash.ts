import { fnv1a } from "@ual/random";

/**
 * A number in [0, 1) that depends only on `text`: FNV-1a, then MurmurHash3's 32-bit finaliser.
 * FNV-1a alone barely changes its high bits when only the last characters differ (ids like
 * `task_17`, `task_18`), so without the finaliser neighbouring ids would land close together.
 */
export function unitHash(text: string): number {
  let h = fnv1a(text);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return (h >>> 0) / 0x1_0000_0000;
}
