/**
 * The two per-instance limiters the fake server can enforce, as pure state machines over an
 * injected clock (so a test on a fake clock decides when a window ends):
 *
 * - a fixed one-second window: `perSecond` requests per window, counted from the window's
 *   first request;
 * - GCRA (the generic cell rate algorithm, as Losant's published limiter uses): a steady
 *   `perSecond` rate with `burst` requests allowed at once from idle. Each key keeps a
 *   theoretical arrival time (TAT); a request is admitted while TAT − now ≤ (burst − 1) × T,
 *   where T = 1000 / perSecond ms, and then moves TAT on by T. A change of the limit keeps
 *   each key's debt in requests (TAT − now in units of T, as a leaky bucket's excess: nginx's
 *   limit_req keeps it so), not in ms: so a raised limit never refuses a request the old one
 *   would have admitted (a debt of 150 ms at 50/s, 7.5 requests, is 75 ms at 100/s, within a
 *   burst of 10's tolerance of 90 ms; kept in ms it would be refused).
 */

/** A limit, as `setLimit` changes it while the server runs. */
export interface Limit {
  /** Requests per second. */
  perSecond: number;
  /** GCRA only: requests admitted at once from idle (default 1). */
  burst?: number;
}

/** A limiter decides, per key, whether a request is admitted now. */
export interface Limiter {
  /** Undefined when admitted; otherwise how long until a request would be (ms, > 0). */
  admit(key: string): { retryInMs: number } | undefined;
  /** Changes the rate (and burst) from the next request on. */
  setLimit(limit: Limit): void;
}

/**
 * A fixed one-second window per key.
 *
 * @example
 * ```ts
 * const limiter = fixedWindowLimiter({ perSecond: 2 }, () => 0);
 * limiter.admit("a"); limiter.admit("a"); limiter.admit("a"); // { retryInMs: 1000 }
 * ```
 */
export function fixedWindowLimiter(initial: Limit, now: () => number): Limiter {
  let perSecond = initial.perSecond;
  const windows = new Map<string, { start: number; count: number }>();
  return {
    admit(key) {
      const t = now();
      let window = windows.get(key);
      if (!window || t - window.start >= 1000) {
        window = { start: t, count: 0 };
        windows.set(key, window);
      }
      window.count++;
      return window.count > perSecond ? { retryInMs: window.start + 1000 - t } : undefined;
    },
    setLimit(limit) {
      perSecond = limit.perSecond;
    },
  };
}

/**
 * GCRA per key: a steady rate with a burst allowance.
 *
 * @example
 * ```ts
 * const limiter = gcraLimiter({ perSecond: 10, burst: 2 }, () => 0);
 * limiter.admit("a"); limiter.admit("a"); // both admitted (the burst)
 * limiter.admit("a"); // { retryInMs: 100 }
 * ```
 */
export function gcraLimiter(initial: Limit, now: () => number): Limiter {
  let interval = 1000 / initial.perSecond;
  let tolerance = ((initial.burst ?? 1) - 1) * interval;
  const arrivals = new Map<string, number>();
  return {
    admit(key) {
      const t = now();
      const tat = Math.max(arrivals.get(key) ?? t, t);
      const early = tat - t - tolerance;
      if (early > 0) return { retryInMs: early };
      arrivals.set(key, tat + interval);
      return undefined;
    },
    setLimit(limit) {
      const next = 1000 / limit.perSecond;
      const t = now();
      for (const [key, tat] of arrivals) {
        arrivals.set(key, t + Math.max(0, tat - t) * (next / interval));
      }
      interval = next;
      tolerance = ((limit.burst ?? 1) - 1) * interval;
    },
  };
}
