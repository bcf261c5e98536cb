/**
 * Reads a batch's input lazily: only while the scheduler has room, so a million-item input
 * never sits in memory. A sync input (an array, a generator) is read in slices that yield to
 * the event loop; an async one (a listing, a stream) one item at a time. An input that throws
 * is a failure of the input, reported once; an item that is garbage is the scheduler's affair.
 */

/**
 * An async iterable that can take the job's signal (selectTokens does): the engine asks for
 * its iterator through this, so aborting the job aborts the listing in progress.
 */
export const ITERATE_WITH_SIGNAL: unique symbol = Symbol.for("losant-tokens.iterateWithSignal");

/** An input that accepts the job's signal. */
export interface SignalIterable<T> extends AsyncIterable<T> {
  [ITERATE_WITH_SIGNAL](signal: AbortSignal): AsyncIterator<T>;
}

/** Where the reader delivers. */
export interface InputSink {
  item(raw: unknown, index: number): void;
  /** The input itself threw or rejected; reading has ended. */
  failed(error: unknown): void;
  /** Something changed while the scheduler was not looking (an async read, a yield). */
  changed(): void;
}

/** A reader made by {@link createInputReader}. */
export interface InputReader {
  /** Reads items while `room()` says so (and nothing is pending). */
  fill(room: () => boolean): void;
  /**
   * Stops reading an async input: its signal aborts, its iterator is returned, a pending read
   * is abandoned. A sync input is not closed (the scheduler reads it out to cancel each item)
   * unless `all` is true.
   */
  close(all?: boolean): void;
  /** Nothing more will be delivered (a read pending when closing is still delivered). */
  readonly ended: boolean;
  /** Every item of the input was read. */
  readonly complete: boolean;
  readonly isAsync: boolean;
  /** Items delivered so far. */
  readonly read: number;
}

// How long reading may run on microtasks alone before it yields a macrotask turn.
const YIELD_EVERY_MS = 20;

/**
 * Makes a reader over `input`.
 *
 * @example
 * const reader = createInputReader(items, { item: take, failed: stopForInput, changed: pump });
 * reader.fill(() => queues.size < maxBuffered);
 */
export function createInputReader(
  input: Iterable<unknown> | AsyncIterable<unknown>,
  sink: InputSink,
): InputReader {
  const isAsync = typeof (input as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function";
  const inputAbort = new AbortController();
  let syncIterator: Iterator<unknown> | undefined;
  let asyncIterator: AsyncIterator<unknown> | undefined;
  let ended = false;
  let complete = false;
  let pending = false;
  let read = 0;
  let lastYield = performance.now();
  let yielding = false;
  let closing = false;

  const end = (whole: boolean): void => {
    ended = true;
    complete = whole;
    syncIterator = undefined;
    asyncIterator = undefined;
  };
  const fail = (error: unknown): void => {
    end(false);
    sink.failed(error);
  };
  const openAsync = (): AsyncIterator<unknown> => {
    const withSignal = (input as Partial<SignalIterable<unknown>>)[ITERATE_WITH_SIGNAL];
    return typeof withSignal === "function"
      ? withSignal.call(input, inputAbort.signal)
      : (input as AsyncIterable<unknown>)[Symbol.asyncIterator]();
  };

  const finishClose = (): void => {
    const iterator = asyncIterator;
    if (!ended) end(false);
    try {
      void Promise.resolve(iterator?.return?.()).catch(() => {});
    } catch { /* a hostile iterator's return() must not break the stop */ }
  };

  const readAsync = (): void => {
    pending = true;
    let next: Promise<IteratorResult<unknown>>;
    try {
      asyncIterator ??= openAsync();
      next = Promise.resolve(asyncIterator.next());
    } catch (error) {
      pending = false;
      fail(error);
      return;
    }
    next.then(
      (result) => {
        pending = false;
        if (result.done) end(!closing);
        // An item read while closing still gets its result (the scheduler cancels it).
        else sink.item(result.value, read++);
        if (closing) finishClose();
        sink.changed();
      },
      (error) => {
        pending = false;
        // Closing aborted the input's signal: its rejection is the close, not a failure.
        if (closing) finishClose();
        else fail(error);
        sink.changed();
      },
    );
  };

  return {
    fill(room) {
      while (!ended && !closing && !pending && !yielding && room()) {
        if (isAsync) return readAsync();
        if (performance.now() - lastYield > YIELD_EVERY_MS) {
          // An input that never waits would otherwise hold the event loop for a whole
          // validate-only job: let timers and sockets through. A real macrotask, not the
          // job's clock: this is about the event loop, not about time.
          yielding = true;
          setTimeout(() => {
            yielding = false;
            lastYield = performance.now();
            sink.changed();
          }, 0);
          return;
        }
        try {
          syncIterator ??= (input as Iterable<unknown>)[Symbol.iterator]();
          const next = syncIterator.next();
          if (next.done) end(true);
          else sink.item(next.value, read++);
        } catch (error) {
          fail(error);
        }
      }
    },
    close(all = false) {
      if (ended || closing || (!isAsync && !all)) return;
      closing = true;
      // A listing in progress (selectTokens) stops at once; a pending read is waited for.
      inputAbort.abort(new Error("the batch stopped"));
      if (!pending) finishClose();
    },
    get ended() {
      return ended;
    },
    get complete() {
      return complete;
    },
    isAsync,
    get read() {
      return read;
    },
  };
}
