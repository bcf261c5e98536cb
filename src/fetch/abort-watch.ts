/**
 * How a fetch over node:http learns that an attempt was aborted, without an event listener
 * on the attempt's signal when it need not have one. Adding a listener to a Node
 * AbortSignal costs ~10,000 instructions, a few percent of a whole call, and every call
 * adds one. The timeout stage owns each attempt's controller and aborts it only through
 * {@link abortWatched}, which also calls the fetch that watches it directly.
 *
 * Correctness never depends on the registry: a signal it does not know (the caller's, a
 * second watcher of the same signal, a copy of this module in another bundle) is watched
 * with an ordinary listener.
 */

// An attempt's signal → the fetch watching it (null: registered, nobody watching yet).
const watched = new WeakMap<AbortSignal, (() => void) | null>();

/**
 * A controller whose signal is aborted only through {@link abortWatched}.
 *
 * @example
 * const controller = watchedController();
 * abortWatched(controller, new Error("timed out"));
 */
export function watchedController(): AbortController {
  const controller = new AbortController();
  watched.set(controller.signal, null);
  return controller;
}

/** Aborts a {@link watchedController}'s signal and tells the fetch watching it, if any. */
export function abortWatched(controller: AbortController, reason: unknown): void {
  controller.abort(reason);
  const watcher = watched.get(controller.signal);
  watched.set(controller.signal, null);
  watcher?.();
}

/**
 * Calls `onAbort` once `signal` aborts, until the returned function is called.
 *
 * @example
 * const unwatch = watchAbort(signal, () => request.destroy());
 * response.on("end", unwatch);
 */
export function watchAbort(signal: AbortSignal, onAbort: () => void): () => void {
  if (watched.get(signal) === null) {
    watched.set(signal, onAbort);
    return () => {
      if (watched.get(signal) === onAbort) watched.set(signal, null);
    };
  }
  signal.addEventListener("abort", onAbort);
  return () => signal.removeEventListener("abort", onAbort);
}
