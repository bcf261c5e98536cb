// setTimeout fires at once (with a warning on Node) for delays beyond 2^31-1 ms.
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Waits `ms`, or rejects with `signal.reason` (unchanged) the moment the signal aborts.
 * The timer is cleared on abort and never unref'd: a pending retry keeps the process
 * alive, as a job in the middle of a call must not exit, and nothing outlives the wait.
 *
 * @example
 * await abortableSleep(500, AbortSignal.timeout(100)); // rejects after 100 ms
 */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (!(ms > 0)) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout>;
    let left = ms;
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const tick = (): void => {
      if (left <= 0) {
        signal?.removeEventListener("abort", onAbort);
        resolve();
        return;
      }
      const step = Math.min(left, MAX_TIMER_MS);
      left -= step;
      timer = setTimeout(tick, step);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    tick();
  });
}
