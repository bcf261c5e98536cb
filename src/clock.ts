/**
 * The one clock every wait of the library reads: retry backoff and Retry-After waits, the
 * per-attempt timeout, batch pacing and pauses, the abort grace period, progress reports and
 * watchTokens' polling. Injected as `createClient({ clock })`, so a test drives all of them
 * from one fake clock (test/support/fake-clock.ts) instead of sleeping.
 */

/** Cancels a timer; calling it again, or after the timer fired, is harmless. */
export type CancelTimer = () => void;

/** Time (epoch ms) and one-shot timers. */
export interface Clock {
  /** Milliseconds since the epoch, as `Date.now()`. */
  now(): number;
  /**
   * Calls `callback` once, `ms` from now. Any finite delay is honoured exactly, however long;
   * `Infinity` never fires.
   */
  setTimer(callback: () => void, ms: number): CancelTimer;
}

/**
 * The platform's limit: setTimeout fires at once (Node warns, Deno and Bun do not) for a delay
 * of 2^31 ms or more, so a longer wait is chained from steps no longer than this.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Date.now and setTimeout, with waits beyond {@link MAX_TIMER_MS} chained rather than
 * truncated. Timers are never unref'd: a job waiting to retry must not let the process exit.
 *
 * @example
 * const cancel = systemClock.setTimer(() => console.log("a month later"), 30 * 86_400_000);
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(callback, ms) {
    if (ms === Infinity) return () => {};
    if (!(ms > MAX_TIMER_MS)) {
      // The common case, one timer (an attempt's timeout is set and cleared on every call).
      const handle = setTimeout(callback, Math.max(0, ms));
      return () => clearTimeout(handle);
    }
    const due = Date.now() + ms;
    let handle: ReturnType<typeof setTimeout> | undefined;
    const arm = (): void => {
      const left = due - Date.now();
      if (left > MAX_TIMER_MS) handle = setTimeout(arm, MAX_TIMER_MS);
      else handle = setTimeout(callback, Math.max(0, left));
    };
    arm();
    return () => clearTimeout(handle);
  },
};

/**
 * Waits `ms` on `clock`, or rejects with `signal.reason` (unchanged) the moment the signal
 * aborts; the timer is cancelled then, so nothing outlives the wait.
 *
 * @example
 * await sleep(systemClock, 500, AbortSignal.timeout(100)); // rejects after 100 ms
 */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (!(ms > 0)) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      cancel();
      reject(signal!.reason);
    };
    const cancel = clock.setTimer(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Whether `value` has the shape of a {@link Clock}: for option schemas. */
export function isClock(value: unknown): value is Clock {
  return typeof value === "object" && value !== null &&
    typeof (value as Clock).now === "function" && typeof (value as Clock).setTimer === "function";
}
