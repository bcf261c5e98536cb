import type { SchedulerLike } from "rxjs";
import { type Clock, MAX_TIMER_MS } from "../clock.ts";

/**
 * watchTokens' public `scheduler` option as an adapter onto the one clock, and the wait
 * between polls on that clock.
 */

/** An RxJS scheduler as a clock; long delays chained like the system clock's. */
export function schedulerClock(scheduler: SchedulerLike): Clock {
  return {
    now: () => scheduler.now(),
    setTimer(callback, ms) {
      if (ms === Infinity) return () => {};
      let left = Math.max(0, ms);
      let sub: { unsubscribe(): void };
      const step = (): void => {
        if (left <= 0) return callback();
        const part = Math.min(left, MAX_TIMER_MS);
        left -= part;
        sub = scheduler.schedule(step, part);
      };
      const first = Math.min(left, MAX_TIMER_MS);
      left -= first;
      sub = scheduler.schedule(step, first);
      return () => sub.unsubscribe();
    },
  };
}

/** A delay on the clock, cut short (resolved, not rejected) by an abort. */
export function clockSleep(clock: Clock, delay: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = (): void => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    };
    const onAbort = (): void => {
      cancel();
      resolve();
    };
    const cancel = clock.setTimer(done, delay);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
