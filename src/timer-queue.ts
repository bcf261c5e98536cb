import type { CancelTimer } from "./clock.ts";

/** The timers a queue runs on: the platform's, or a test's. */
export interface PlatformTimers {
  now(): number;
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

interface Entry {
  readonly due: number;
  readonly callback: () => void;
}

/** A Node or Bun timer: it can stop keeping the process alive, and start again. */
interface Refable {
  ref(): unknown;
  unref(): unknown;
}

/**
 * One-shot timers served by one platform timer while they are set in due order. Every
 * attempt sets a timeout and nearly every attempt clears it again, and with one client
 * timeout their due times only grow. A platform setTimeout and clearTimeout per attempt
 * cost ~6.5k instructions on Node 22 once optimized and ~33k in a script's first few
 * thousand calls (bench/README.md#default-call); a queue entry costs a push and a flag.
 *
 * The platform timer is armed for the queue's head and keeps the process alive exactly
 * while a timer in the queue is pending: when the last one is cancelled it is unref'd
 * (left to fire, it finds nothing) and ref'd again by the next. A handle that cannot be
 * unref'd (Deno's and browsers' numbers) is cleared instead, so nothing outlives the
 * timers it serves: Deno's test sanitizers count pending timers.
 *
 * A timer due before the last one queued (a shorter per-call timeout, a deadline, a retry
 * delay during a long attempt) gets a platform timer of its own, so the queue stays in
 * due order and firing is a walk from its head. Nothing fires before it is due.
 *
 * @example
 * const setTimer = timerQueue({ now: () => performance.now(), set: setTimeout, clear: clearTimeout });
 * const cancel = setTimer(() => console.log("30 s later"), 30_000);
 * cancel();
 */
export function timerQueue(
  platform: PlatformTimers,
): (callback: () => void, ms: number) => CancelTimer {
  // Pending timers in due order: a Set iterates in insertion order and deletes in O(1).
  const queue = new Set<Entry>();
  let lastDue = -Infinity; // at least the due time of every timer in the queue
  let handle: unknown; // the platform timer, armed for `armedFor`, if any
  let armedFor = 0;
  let firing = false;

  const arm = (due: number): void => {
    armedFor = due;
    handle = platform.set(fire, Math.max(0, due - platform.now()));
  };

  function fire(): void {
    handle = undefined;
    firing = true;
    // Only the timers queued before it fired: one that a callback sets, due at once, waits
    // for the next platform timer rather than running in this loop (or forever).
    let left = queue.size;
    try {
      const now = platform.now();
      for (const entry of queue) {
        if (left-- === 0 || entry.due > now) break;
        queue.delete(entry);
        entry.callback();
      }
    } finally {
      // Also after a callback threw: the rest still fire, from a new platform timer.
      firing = false;
      const next = queue.values().next();
      if (next.done) lastDue = -Infinity;
      else arm(next.value.due);
    }
  }

  return (callback, ms) => {
    const due = platform.now() + ms;
    if (due < lastDue) {
      const timer = platform.set(callback, ms);
      return () => platform.clear(timer);
    }
    const entry: Entry = { due, callback };
    lastDue = due;
    queue.add(entry);
    if (!firing) {
      if (handle === undefined) arm(due);
      else if (armedFor > due) {
        // The queue was empty and its idle timer armed for a later timer, since cancelled.
        platform.clear(handle);
        arm(due);
      } else if (queue.size === 1 && isRefable(handle)) handle.ref();
    }
    return () => {
      if (!queue.delete(entry) || queue.size > 0 || firing) return;
      lastDue = -Infinity;
      if (isRefable(handle)) handle.unref();
      else if (handle !== undefined) {
        platform.clear(handle);
        handle = undefined;
      }
    };
  };
}

function isRefable(handle: unknown): handle is Refable {
  return typeof (handle as Partial<Refable> | undefined)?.unref === "function";
}
