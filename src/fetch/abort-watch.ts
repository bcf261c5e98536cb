/**
 * How a fetch over node:http learns that an attempt was aborted, without an event listener
 * on the attempt's signal when it need not have one. Adding a listener to a Node
 * AbortSignal costs ~10,000 instructions, a few percent of a whole call, and every call
 * adds one. The timeout stage owns each attempt's controller and aborts it only through
 * {@link abortWatched}, which also calls the fetch that watches it directly.
 *
 * Correctness never depends on the mark: a signal it does not know (the caller's, a
 * second watcher of the same signal, a copy of this module in another bundle) is watched
 * with an ordinary listener.
 */

// On an attempt's signal: the fetch watching it (null: registered, nobody watching yet). A
// property of the signal rather than a WeakMap entry: setting one costs ~40 ns on Node 22 and
// 24, a WeakMap entry ~450 ns and an ephemeron for every GC to trace.
const WATCHER = Symbol("abort watcher");

/** A signal as this module marks it. */
type Marked = AbortSignal & { [WATCHER]?: (() => void) | null };

/**
 * A controller whose signal is aborted only through {@link abortWatched}.
 *
 * @example
 * const controller = watchedController();
 * abortWatched(controller, new Error("timed out"));
 */
export function watchedController(): AbortController {
  const controller = new AbortController();
  (controller.signal as Marked)[WATCHER] = null;
  return controller;
}

/** Aborts a {@link watchedController}'s signal and tells the fetch watching it, if any. */
export function abortWatched(controller: AbortController, reason: unknown): void {
  const signal: Marked = controller.signal;
  controller.abort(reason);
  const watcher = signal[WATCHER];
  signal[WATCHER] = null;
  watcher?.();
}

/**
 * Calls `onAbort` once `signal` aborts, until the returned function is called.
 *
 * @example
 * const unwatch = watchAbort(signal, () => request.destroy());
 * response.on("end", unwatch);
 */
export function watchAbort(signal: Marked, onAbort: () => void): () => void {
  if (signal[WATCHER] === null) {
    signal[WATCHER] = onAbort;
    return () => {
      if (signal[WATCHER] === onAbort) signal[WATCHER] = null;
    };
  }
  signal.addEventListener("abort", onAbort);
  return () => signal.removeEventListener("abort", onAbort);
}
