/** Where a progress bar draws. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** Options of {@linkcode ProgressBar}. */
export interface ProgressBarOptions {
  /** What is being counted, e.g. `rating`. */
  label: string;
  /** The count at which the work is done; unknown totals show a counter without a bar. */
  total?: number;
  /** Default `process.stderr`, so that stdout stays clean for data. */
  stream?: ProgressStream;
  /** Least time between two redraws (default 100 ms): drawing every tick would cost more than the work. */
  intervalMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  if (seconds < 60) return `${Math.round(seconds)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, "0")}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, "0")}m`;
}

/**
 * A one-line progress bar with rate and time left. On a terminal it redraws in place (at
 * most every `intervalMs`); elsewhere (CI logs, pipes) it prints a plain line at every 10%.
 * `note()` prints a message above the bar without tearing it.
 *
 * @example
 * ```ts
 * const bar = new ProgressBar({ label: "mapping", total: 1_000_000 });
 * for (let i = 0; i < 1_000_000; i++) if (i % 1000 === 0) bar.update(i);
 * bar.done();
 * ```
 */
export class ProgressBar {
  readonly #label: string;
  #total: number | undefined;
  readonly #stream: ProgressStream;
  readonly #interval: number;
  readonly #now: () => number;
  readonly #start: number;
  #count = 0;
  #extra = "";
  #lastDraw = -Infinity;
  #lastDecile = -1;
  #drawn = false;
  #finished = false;

  constructor(options: ProgressBarOptions) {
    this.#label = options.label;
    this.#total = options.total;
    this.#stream = options.stream ?? process.stderr;
    this.#interval = options.intervalMs ?? 100;
    this.#now = options.now ?? Date.now;
    this.#start = this.#now();
  }

  /** Sets the count (and optionally a short text shown after the bar, e.g. cost so far). */
  update(count: number, extra?: string): void {
    this.#count = count;
    if (extra !== undefined) this.#extra = extra;
    this.#draw(false);
  }

  /** Adds to the count. */
  increment(by = 1, extra?: string): void {
    this.update(this.#count + by, extra);
  }

  /** Sets or changes the total. */
  setTotal(total: number | undefined): void {
    this.#total = total;
  }

  /** Prints a line above the bar. */
  note(line: string): void {
    if (this.#stream.isTTY && this.#drawn) this.#stream.write("\r\x1b[2K");
    this.#stream.write(`${line}\n`);
    if (this.#stream.isTTY && this.#drawn && !this.#finished) this.#draw(true);
  }

  /** Draws the final state and ends the line. */
  done(): void {
    if (this.#finished) return;
    this.#draw(true);
    this.#finished = true;
    if (this.#stream.isTTY && this.#drawn) this.#stream.write("\n");
  }

  /** The line as it would be drawn now. */
  render(width = 80): string {
    const elapsed = (this.#now() - this.#start) / 1000;
    const rate = elapsed > 0 ? this.#count / elapsed : 0;
    const rateText = `${rate >= 10 ? Math.round(rate) : rate.toFixed(1)}/s`;
    const extra = this.#extra ? ` ${this.#extra}` : "";
    if (this.#total === undefined || this.#total <= 0) {
      return `${this.#label} ${this.#count} ${rateText} ${duration(elapsed)}${extra}`;
    }
    const fraction = Math.min(1, this.#count / this.#total);
    const eta = rate > 0 ? (this.#total - this.#count) / rate : Number.NaN;
    const tail = ` ${this.#count}/${this.#total} ${(fraction * 100).toFixed(0).padStart(3)}% ${rateText} eta ${duration(eta)}${extra}`;
    const barWidth = Math.max(10, Math.min(40, width - this.#label.length - tail.length - 3));
    const filled = Math.round(fraction * barWidth);
    return `${this.#label} [${"#".repeat(filled)}${"-".repeat(barWidth - filled)}]${tail}`;
  }

  #draw(force: boolean): void {
    if (this.#finished) return;
    const now = this.#now();
    if (this.#stream.isTTY) {
      if (!force && now - this.#lastDraw < this.#interval) return;
      this.#lastDraw = now;
      this.#drawn = true;
      this.#stream.write(`\r\x1b[2K${this.render(this.#stream.columns ?? 80)}`);
      return;
    }
    // Not a terminal: a line per 10% keeps CI logs readable, and work that ends within a couple
    // of seconds gets only its final line.
    if (!force && now - this.#start < 2000) return;
    const decile = this.#total ? Math.floor((10 * this.#count) / this.#total) : -1;
    if ((this.#total && decile > this.#lastDecile) || (force && this.#count > 0 && decile !== this.#lastDecile)) {
      this.#lastDecile = decile;
      this.#stream.write(`${this.render()}\n`);
    }
  }
}
