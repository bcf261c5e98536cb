/**
 * A fake clock for tests: time moves only when the test says so, and timers fire in due
 * order as it moves. Give it to `createClient({ clock })` and every wait of the library
 * (retries, timeouts, pacing, pauses, grace, progress, polling) runs on it.
 */
import type { CancelTimer, Clock } from "../../src/clock.ts";

interface Timer {
  due: number;
  seq: number;
  callback: () => void;
}

/** A {@link Clock} a test moves by hand. */
export interface FakeClock extends Clock {
  /** Timers set and not yet fired or cancelled. */
  readonly pending: number;
  /** The due time of the earliest pending timer, or undefined. */
  readonly nextDue: number | undefined;
  /** Moves time forward by `ms`, firing every timer due on the way, in order. */
  advance(ms: number): Promise<void>;
  /** Moves time to the earliest pending timer and fires it (and any due with it). */
  next(): Promise<boolean>;
}

/** Lets promise callbacks and one real macrotask turn run (sockets, fetch bodies). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Makes a fake clock starting at `start` (epoch ms; default the real now, so dates in the
 * server's answers stay plausible).
 *
 * @example
 * const clock = createFakeClock();
 * const client = createClient({ accessToken, url, clock });
 * const waited = sleep(clock, 5_000);
 * await clock.advance(5_000); // `waited` resolves, no real time passes
 */
export function createFakeClock(start: number = Date.now()): FakeClock {
  let now = start;
  let seq = 0;
  const timers = new Set<Timer>();
  const earliest = (): Timer | undefined => {
    let first: Timer | undefined;
    for (const t of timers) {
      if (first === undefined || t.due < first.due || (t.due === first.due && t.seq < first.seq)) {
        first = t;
      }
    }
    return first;
  };
  const fireUntil = async (until: number): Promise<void> => {
    for (let t = earliest(); t !== undefined && t.due <= until; t = earliest()) {
      timers.delete(t);
      now = Math.max(now, t.due);
      t.callback();
      // What the timer started (a request, another timer) runs before the next one fires.
      await settle();
    }
    now = Math.max(now, until);
  };
  return {
    now: () => now,
    setTimer(callback, ms): CancelTimer {
      if (ms === Infinity) return () => {};
      const timer: Timer = { due: now + Math.max(0, ms), seq: seq++, callback };
      timers.add(timer);
      return () => timers.delete(timer);
    },
    get pending() {
      return timers.size;
    },
    get nextDue() {
      return earliest()?.due;
    },
    advance: (ms) => fireUntil(now + ms),
    async next() {
      const first = earliest();
      if (first === undefined) return false;
      await fireUntil(first.due);
      return true;
    },
  };
}

/**
 * Runs `work` to completion on a fake clock: whenever nothing has happened for a few real
 * macrotask turns (`busy()` false: e.g. no request in flight), time jumps to the next timer.
 * Rejects if `work` is still pending when no timer is left and nothing is busy.
 *
 * @example
 * const report = await drive(clock, deleteTokens(client, items), () => inFlight > 0);
 */
export async function drive<T>(
  clock: FakeClock,
  work: PromiseLike<T>,
  busy: () => boolean | number = () => false,
): Promise<T> {
  let settled = false;
  const result = Promise.resolve(work).finally(() => (settled = true));
  result.catch(() => {});
  let idleTurns = 0;
  while (!settled) {
    await settle();
    if (settled) break;
    if (busy()) {
      idleTurns = 0;
      continue;
    }
    // Several quiet turns in a row: what is left can only be started by a timer.
    if (++idleTurns < 3) continue;
    idleTurns = 0;
    if (!(await clock.next()) && !busy()) {
      await settle();
      if (!settled && !busy() && clock.pending === 0) {
        throw new Error("drive: the work is stuck: no timer pending and nothing in flight");
      }
    }
  }
  return result;
}
