import type { BatchResult } from "./result.ts";

/** A push observer, the shape rxjs' Subscriber satisfies. */
export interface ResultObserver {
  next(result: BatchResult): void;
  complete(): void;
  /** The job rejected (its options or input were invalid) instead of ending. */
  error?(error: unknown): void;
}

/**
 * Fans results out to observers (push, no backpressure: they run synchronously, as an
 * NDJSON writer does) and to async iterators (pull, with backpressure: when one falls
 * `HIGH_WATER` results behind, `pressured` turns true and the engine stops starting items
 * until it catches up, so a slow consumer bounds memory instead of growing it).
 */
export interface ResultStream {
  emit(result: BatchResult): void;
  end(): void;
  /** Ends with an error: observers are told it, iterators throw it. */
  fail(error: unknown): void;
  subscribe(observer: ResultObserver): () => void;
  iterator(): AsyncIterableIterator<BatchResult>;
  /** True while some iterator has HIGH_WATER or more results waiting. */
  readonly pressured: boolean;
  /** Called when pressure is relieved. */
  onDrain(listener: () => void): void;
}

/** Results an async iterator may fall behind before the engine waits for it. */
export const HIGH_WATER = 1024;

interface Pull {
  queue: BatchResult[];
  head: number;
  wake?: () => void;
  /** The job's error was thrown to this iterator already. */
  told?: boolean;
}

/**
 * Makes a result stream.
 *
 * @example
 * const stream = createResultStream();
 * stream.subscribe({ next: (r) => out.write(toNdjson(r)), complete: () => out.end() });
 */
export function createResultStream(): ResultStream {
  const observers = new Set<ResultObserver>();
  const pulls = new Set<Pull>();
  let ended = false;
  let failed: { error: unknown } | undefined;
  let pressured = 0;
  let drain: (() => void) | undefined;

  const size = (pull: Pull): number => pull.queue.length - pull.head;

  return {
    emit(result) {
      for (const observer of observers) {
        // An observer's exception must not break the job or the other observers.
        try {
          observer.next(result);
        } catch { /* ignored */ }
      }
      for (const pull of pulls) {
        pull.queue.push(result);
        if (size(pull) === HIGH_WATER) pressured++;
        pull.wake?.();
      }
    },
    end() {
      ended = true;
      for (const observer of observers) {
        try {
          observer.complete();
        } catch { /* ignored */ }
      }
      observers.clear();
      for (const pull of pulls) pull.wake?.();
    },
    fail(error) {
      if (ended) return;
      failed = { error };
      ended = true;
      for (const observer of observers) {
        try {
          observer.error?.(error);
        } catch { /* ignored */ }
      }
      observers.clear();
      for (const pull of pulls) pull.wake?.();
    },
    subscribe(observer) {
      if (failed !== undefined) {
        observer.error?.(failed.error);
        return () => {};
      }
      if (ended) {
        observer.complete();
        return () => {};
      }
      observers.add(observer);
      return () => observers.delete(observer);
    },
    iterator() {
      const pull: Pull = { queue: [], head: 0 };
      if (!ended) pulls.add(pull);
      const detach = (): void => {
        if (!pulls.delete(pull)) return;
        if (size(pull) >= HIGH_WATER) {
          pressured--;
          if (pressured === 0) drain?.();
        }
        pull.queue = [];
        pull.head = 0;
      };
      const iterator: AsyncIterableIterator<BatchResult> = {
        async next() {
          while (size(pull) === 0) {
            if (ended || !pulls.has(pull)) {
              detach();
              if (failed !== undefined && !pull.told) {
                pull.told = true;
                throw failed.error;
              }
              return { done: true, value: undefined };
            }
            await new Promise<void>((resolve) => (pull.wake = resolve));
            pull.wake = undefined;
          }
          const value = pull.queue[pull.head]!;
          pull.head++;
          if (size(pull) === HIGH_WATER - 1) {
            pressured--;
            if (pressured === 0) drain?.();
          }
          // Compact now and then instead of shift(), which is O(n) per call.
          if (pull.head > 4096 && pull.head * 2 > pull.queue.length) {
            pull.queue = pull.queue.slice(pull.head);
            pull.head = 0;
          }
          return { done: false, value };
        },
        return() {
          detach();
          return Promise.resolve({ done: true, value: undefined });
        },
        [Symbol.asyncIterator]() {
          return iterator;
        },
      };
      return iterator;
    },
    get pressured() {
      return pressured > 0;
    },
    onDrain(listener) {
      drain = listener;
    },
  };
}
