/**
 * The smallest push stream that rxjs (and any other TC39-style Observable library) accepts:
 * `subscribe` with a function or an observer, an `unsubscribe` handle, and the interop
 * `Symbol.observable` / `"@@observable"` method through which rxjs' `from()` adopts it. The
 * batch entry hands this out instead of an rxjs Observable so that it works without rxjs
 * installed; `batchResults(job)` in `losant-tokens/events` gives the typed rxjs Observable.
 */

/** What `subscribe` takes: a `next` function, or an observer with any of its methods. */
export type ObserverLike<T> =
  | ((value: T) => void)
  | { next?: (value: T) => void; error?: (error: unknown) => void; complete?: () => void };

/** The handle `subscribe` returns. */
export interface Unsubscribable {
  /** Stops delivery to this subscriber; calling it again is harmless. */
  unsubscribe(): void;
}

/**
 * A stream of values pushed to every subscriber as they happen.
 *
 * @example
 * const subscription = job.results$.subscribe((result) => console.log(result.status));
 * subscription.unsubscribe();
 */
export interface Subscribable<T> {
  /**
   * Delivers every value from now on (none from before) until the stream ends or the subscriber
   * unsubscribes.
   */
  subscribe(observer: ObserverLike<T>): Unsubscribable;
}

/** A push source: calls `next`, then `complete` or `error`; returns its teardown. */
export type Producer<T> = (
  observer: { next(value: T): void; complete(): void; error(error: unknown): void },
) => () => void;

// rxjs reads `Symbol.observable` when a polyfill defined it, "@@observable" otherwise.
const INTEROP_KEYS: readonly (string | symbol)[] = [
  "@@observable",
  ...(typeof (Symbol as { observable?: symbol }).observable === "symbol"
    ? [(Symbol as unknown as { observable: symbol }).observable]
    : []),
];

/**
 * Makes a {@link Subscribable} over a producer. Each subscriber starts its own producer
 * call; after `complete`, `error` or `unsubscribe` it receives nothing more.
 *
 * @example
 * const results$ = createSubscribable((o) => stream.subscribe(o));
 */
export function createSubscribable<T>(produce: Producer<T>): Subscribable<T> {
  const subscribable: Subscribable<T> = {
    subscribe(observer) {
      const next = typeof observer === "function" ? observer : observer.next?.bind(observer);
      const complete = typeof observer === "function"
        ? undefined
        : observer.complete?.bind(observer);
      const error = typeof observer === "function" ? undefined : observer.error?.bind(observer);
      let closed = false;
      // Replaced by the producer's teardown once it returns; a producer that completes
      // synchronously closes before that, and the teardown then runs right after.
      let teardown = (): void => {};
      const close = () => {
        if (closed) return;
        closed = true;
        teardown();
      };
      teardown = produce({
        next: (value) => {
          if (!closed) next?.(value);
        },
        complete: () => {
          if (closed) return;
          close();
          complete?.();
        },
        // Without an error callback the error is dropped here: the job's promise rejects
        // with it, which is where a caller sees it.
        error: (reason) => {
          if (closed) return;
          close();
          error?.(reason);
        },
      });
      if (closed) teardown();
      return { unsubscribe: close };
    },
  };
  for (const key of INTEROP_KEYS) {
    Object.defineProperty(subscribable, key, { value: () => subscribable });
  }
  return subscribable;
}
