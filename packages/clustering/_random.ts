/** A seeded stream of uniform numbers. */
export interface Random {
  /** A uniform float in [0, 1) with 53 random bits. */
  next(): number;
  /** A uniform integer in [0, n). */
  int(n: number): number;
}

/**
 * A small counter-based generator: output i is a 32-bit integer hash (the "lowbias32" mixer) of
 * the seed's hash plus i times the golden ratio. Reproducible across platforms and Node versions,
 * unlike `Math.random`, and good enough for drawing samples (not for cryptography).
 */
export function createRandom(seed: number): Random {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${String(seed)}`);
  // Both halves of a 53-bit seed count, so seeds 1 and 2³² + 1 differ.
  const low = seed >>> 0;
  const high = Math.floor(seed / 2 ** 32) >>> 0;
  let counter = mix(low ^ mix(high ^ 0x5bd1e995));
  const u32 = (): number => {
    counter = (counter + 0x9e3779b9) >>> 0;
    return mix(counter);
  };
  return {
    next: () => (u32() >>> 5) * 2 ** -27 + (u32() >>> 6) * 2 ** -53,
    int(n) {
      if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`int(n) needs a positive integer, got ${n}`);
      return Math.floor(this.next() * n);
    },
  };
}

function mix(value: number): number {
  let x = value >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** A uniform random permutation of `items` (Fisher–Yates), leaving `items` untouched. */
export function shuffled<T>(items: readonly T[], random: Random): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    const held = out[i] as T;
    out[i] = out[j] as T;
    out[j] = held;
  }
  return out;
}
