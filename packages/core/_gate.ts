/**
 * A counting gate: `acquire` waits while `limit` holders are in. The runner uses it so that the
 * source is read only as fast as the uncertainty stage consumes: RxJS has no back-pressure of
 * its own, and without it a large JSONL would be buffered whole in front of a slow estimator.
 */
export class Gate {
  #free: number;
  readonly #waiting: Array<() => void> = [];

  constructor(limit: number) {
    this.#free = limit;
  }

  acquire(): Promise<void> {
    if (this.#free > 0) {
      this.#free--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#free++;
  }
}
