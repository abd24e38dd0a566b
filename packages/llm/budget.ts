/** The reason given to samples (or judgments) not asked because of `maxCostUsd`. */
export const BUDGET_EXHAUSTED = "budget exhausted";

/** Money set aside for a call that has not answered yet. */
export interface Reservation {
  /** Replaces the reservation with what the call really cost (0 when it failed unpaid). */
  settle(actualUsd: number): void;
}

/**
 * A spending cap (`maxCostUsd`). Before a call is made, its worst case (prompt tokens plus the
 * most the reply may use) is reserved; a call whose worst case would take spent + reserved past
 * the cap is not made. So the cap holds even with many calls in flight, at the price of stopping
 * a little early. Without a limit every reservation succeeds.
 *
 * @example
 * ```ts
 * const budget = new Budget(1.0);
 * const reservation = budget.reserve(0.002);
 * if (!reservation) return { score: null, reason: "budget exhausted" };
 * reservation.settle(actualCost);
 * ```
 */
export class Budget {
  readonly limitUsd: number | undefined;
  #spent = 0;
  #reserved = 0;

  constructor(limitUsd?: number) {
    this.limitUsd = limitUsd;
  }

  /** Dollars spent by settled calls. */
  get spentUsd(): number {
    return this.#spent;
  }

  /** Dollars set aside for calls in flight. */
  get reservedUsd(): number {
    return this.#reserved;
  }

  /** Sets `usd` aside, or returns undefined when that would pass the limit. */
  reserve(usd: number): Reservation | undefined {
    if (this.limitUsd !== undefined && this.#spent + this.#reserved + usd > this.limitUsd) return undefined;
    this.#reserved += usd;
    let settled = false;
    return {
      settle: (actualUsd: number) => {
        if (settled) return;
        settled = true;
        this.#reserved -= usd;
        this.#spent += actualUsd;
      },
    };
  }

  /** Counts money spent without a reservation (results of a batch submitted by an earlier run). */
  record(usd: number): void {
    this.#spent += usd;
  }
}
