import { sleep, systemClock } from "../clock.ts";

/**
 * Waits `ms` on the system clock, or rejects with `signal.reason` (unchanged) the moment the
 * signal aborts. Waits beyond the platform's timer limit are chained (see src/clock.ts).
 * Code that has a client reads its injected clock instead: `sleep(clock, ms, signal)`.
 *
 * @example
 * await abortableSleep(500, AbortSignal.timeout(100)); // rejects after 100 ms
 */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return sleep(systemClock, ms, signal);
}
