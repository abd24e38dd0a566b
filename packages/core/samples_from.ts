import { Observable } from "rxjs";
import type { EventDraft, SampleEvent } from "./events.ts";
import type { Sample } from "./sample.ts";
import type { Gate } from "./_gate.ts";

/** Options of {@linkcode samplesFrom}. */
export interface SamplesFromOptions {
  signal?: AbortSignal;
  /** Read the next sample only after a slot is free (back-pressure from a slow stage). */
  gate?: Gate;
}

/**
 * Turns a source's async iterable into a stream of `sample` events, pulling one sample at a
 * time: unsubscribing or aborting stops the reading (and closes the source's file); after an
 * abort the stream completes with the samples read so far.
 *
 * @example
 * ```ts
 * samplesFrom(source.read({ signal })).subscribe((e) => console.log(e.sample.id));
 * ```
 */
export function samplesFrom(samples: AsyncIterable<Sample>, options: SamplesFromOptions = {}): Observable<EventDraft<SampleEvent>> {
  return new Observable((subscriber) => {
    const iterator = samples[Symbol.asyncIterator]();
    let stopped = false;
    const stop = () => {
      stopped = true;
    };
    options.signal?.addEventListener("abort", stop, { once: true });
    (async () => {
      let index = 0;
      while (!stopped) {
        if (options.gate) await options.gate.acquire();
        if (stopped) {
          options.gate?.release();
          break;
        }
        const next = await iterator.next();
        if (next.done) {
          options.gate?.release();
          break;
        }
        subscriber.next({ type: "sample", index: index++, sample: next.value });
      }
      // Aborted: what was read stands and the stream ends (a no-op once unsubscribed).
      subscriber.complete();
    })().catch((error: unknown) => subscriber.error(error));
    return () => {
      stop();
      options.signal?.removeEventListener("abort", stop);
      // Lets a generator run its `finally` (closing files) when the run stops early.
      void iterator.return?.();
    };
  });
}
