/**
 * A max-heap of (count, pair) entries: the most frequent pair first and, among equal counts, the
 * smallest pair key (left id · 2^16 + right id), which makes training deterministic. Entries go
 * stale when a pair's count changes; the trainer pushes the new count and skips stale ones on pop
 * (lazy deletion), which is cheaper than keeping the heap exact.
 */
export class PairHeap {
  #counts: number[] = [];
  #keys: number[] = [];

  get size(): number {
    return this.#keys.length;
  }

  push(count: number, key: number): void {
    this.#counts.push(count);
    this.#keys.push(key);
    let i = this.#keys.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#before(i, parent)) break;
      this.#swap(i, parent);
      i = parent;
    }
  }

  /** The top entry, removed; `undefined` when empty. */
  pop(): { count: number; key: number } | undefined {
    const n = this.#keys.length;
    if (n === 0) return undefined;
    const top = { count: this.#counts[0] as number, key: this.#keys[0] as number };
    const lastCount = this.#counts.pop() as number;
    const lastKey = this.#keys.pop() as number;
    if (n > 1) {
      this.#counts[0] = lastCount;
      this.#keys[0] = lastKey;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let best = i;
        if (l < n - 1 && this.#before(l, best)) best = l;
        if (r < n - 1 && this.#before(r, best)) best = r;
        if (best === i) break;
        this.#swap(i, best);
        i = best;
      }
    }
    return top;
  }

  #before(a: number, b: number): boolean {
    const ca = this.#counts[a] as number;
    const cb = this.#counts[b] as number;
    return ca > cb || (ca === cb && (this.#keys[a] as number) < (this.#keys[b] as number));
  }

  #swap(a: number, b: number): void {
    const c = this.#counts[a] as number;
    this.#counts[a] = this.#counts[b] as number;
    this.#counts[b] = c;
    const k = this.#keys[a] as number;
    this.#keys[a] = this.#keys[b] as number;
    this.#keys[b] = k;
  }
}
