/** Timers a server owns, so that close() can end every one of them at once. */
export interface ServerTimers {
  /** Resolves after `ms` (or at once when the timers are ended), running `then` first. */
  wait(ms: number, then?: () => void): Promise<void>;
  /** Fires every pending timer now: nothing the server started keeps the process alive. */
  endAll(): void;
}

// setTimeout fires after ~1 ms for delays of 2^31 ms or more; longer waits are chained.
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Creates a set of timers that can be ended together.
 *
 * @example
 * ```ts
 * const timers = createTimers();
 * void timers.wait(60_000, () => socket.end());
 * timers.endAll(); // the callback runs now
 * ```
 */
export function createTimers(): ServerTimers {
  const pending = new Set<() => void>();
  return {
    wait(ms, then = () => {}) {
      return new Promise((resolve) => {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const due = Date.now() + ms;
        const finish = (): void => {
          clearTimeout(timer);
          pending.delete(finish);
          then();
          resolve();
        };
        const arm = (): void => {
          const left = due - Date.now();
          timer = left > MAX_TIMER_MS
            ? setTimeout(arm, MAX_TIMER_MS)
            : setTimeout(finish, Math.max(0, left));
        };
        pending.add(finish);
        arm();
      });
    },
    endAll() {
      for (const finish of [...pending]) finish();
    },
  };
}
