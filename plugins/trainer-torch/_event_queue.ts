/**
 * A queue that callbacks (a child's stdout lines, its exit) push into and an async generator
 * drains in order: `next()` waits until an item or the end arrives.
 */
export interface EventQueue<T> {
  push(item: T): void;
  /** No more items after those pushed; `error` makes the drain throw after them. */
  end(error?: unknown): void;
  drain(): AsyncGenerator<T>;
}

/** Makes an {@linkcode EventQueue}. */
export function createEventQueue<T>(): EventQueue<T> {
  const items: T[] = [];
  let ended = false;
  let failure: { error: unknown } | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  return {
    push(item) {
      if (ended) return;
      items.push(item);
      notify();
    },
    end(error) {
      if (ended) return;
      ended = true;
      if (error !== undefined) failure = { error };
      notify();
    },
    async *drain() {
      for (;;) {
        while (items.length > 0) yield items.shift() as T;
        if (ended) {
          if (failure !== undefined) throw failure.error;
          return;
        }
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
  };
}
