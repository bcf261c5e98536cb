/**
 * The gate every attempt of a batch passes before it is sent: a global concurrency limit,
 * and per instance a concurrency limit, a paused-until moment and an even rate pacing at
 * the rate the instance's congestion controller (rate-controller.ts) allows: the told
 * `ratePerInstance`, or the one found from 429s. One instance's 429s reach only its own
 * controller, so they never slow another.
 * A slot is held only while an attempt is on the wire, so a call sleeping in retry backoff
 * leaves its slot to another. Waiters are served FIFO within an instance and round-robin
 * across instances, so one busy instance cannot starve the others of global slots.
 */

import { type CancelTimer, type Clock, systemClock } from "../clock.ts";
import { createRateController, type RateController } from "./rate-controller.ts";
import type { InstancePacing } from "./report.ts";

/** Limits the gate enforces. */
export interface GateOptions {
  /** Attempts on the wire at once, across all instances. */
  concurrency: number;
  /** Attempts on the wire at once to one instance. */
  perInstanceConcurrency: number;
  /** Attempt starts per second to one instance; undefined: found from 429s. */
  ratePerInstance?: number;
}

/** Gives the slot back; calling it twice is harmless. */
export type Release = () => void;

/** What the gate tells about its traffic. */
export interface GateStats {
  /** Attempts granted a slot so far. */
  granted: number;
  /** Attempts on the wire now. */
  active: number;
  /** Attempts answered 429 (throttled) so far. */
  throttled: number;
}

/** A gate made by {@link createGate}. */
export interface InstanceGate {
  /**
   * Waits for a slot for `instanceId`. Rejects with `signal.reason` when the signal aborts
   * while waiting, or with the error given to `reject`/`rejectInstance`.
   */
  acquire(instanceId: string, signal?: AbortSignal): Promise<Release>;
  /** No attempt to the instance starts before `until` (epoch ms); the later moment wins. */
  pause(instanceId: string, until: number): void;
  /** The epoch ms the instance is paused until (0 or past when it is not). */
  pausedUntil(instanceId: string): number;
  /** An attempt granted at `sentAt` was answered, not with a 429: the controller grows. */
  admitted(instanceId: string, sentAt: number): void;
  /**
   * An attempt granted at `sentAt` was answered 429; `hintMs` is the wait the server named.
   * The instance's controller decides what it means (a lower rate, a short hold).
   */
  throttled(instanceId: string, sentAt: number, hintMs?: number): void;
  /** Each instance's pacing now, paced ones (told, or limited by 429s) only. */
  pacing(): InstancePacing[];
  /** Attempts answered 429 so far per instance, for those answered 429 at least once. */
  throttledByInstance(): Record<string, number>;
  /**
   * Told each time the gate's own timer fires (a pause or a rate wait is over): the one
   * wake-up for everything that waits on time, the scheduler included.
   */
  onWake(listener: () => void): void;
  /** Rejects the instance's waiters. */
  rejectInstance(instanceId: string, error: unknown): void;
  readonly stats: GateStats;
  /** Clears the gate's timer; waiters stay (reject them first). */
  close(): void;
}

/**
 * Rate pacing spaces attempt starts evenly, `1000 / rate` ms apart, on a schedule (GCRA): a
 * start may come up to EARLY_MS (at most one interval) early, so a timer that fires a little
 * late is made up on the next start instead of lowering the rate for good, and at most two
 * starts are ever back to back. Even spacing, not bursts, because a burst reaches the
 * server with the most jitter. The allowance is capped, not a whole interval, so that at a
 * low rate two starts from idle do not put one request too many into a one-second window.
 * (The told rate's margin is the controller's: RATE_MARGIN_MS.)
 */
const EARLY_MS = 20;
export { RATE_MARGIN_MS } from "./rate-controller.ts";

interface Waiter {
  resolve: (release: Release) => void;
  reject: (error: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
  granted?: boolean;
}

interface InstanceState {
  id: string;
  active: number;
  pausedUntil: number;
  /** The rate schedule's next theoretical start (GCRA's TAT), epoch ms. */
  scheduled: number;
  control: RateController;
  waiters: Waiter[];
}

/** Ms between starts at `rate` (0: unpaced). */
const intervalOf = (rate: number): number => Number.isFinite(rate) ? 1000 / rate : 0;

/**
 * Makes a gate.
 *
 * @example
 * const gate = createGate({ concurrency: 16, perInstanceConcurrency: 4, ratePerInstance: 50 }, clock);
 * const release = await gate.acquire(instanceId);
 * try { await send(); } finally { release(); }
 */
export function createGate(options: GateOptions, clock: Clock = systemClock): InstanceGate {
  const instances = new Map<string, InstanceState>();
  // Instances with waiters, in service order: the one just served moves to the back.
  const waiting = new Map<string, InstanceState>();
  /** When the rate (and a hold after a 429) lets the instance start an attempt. */
  const rateAllowsAt = (state: InstanceState, now: number): number => {
    const interval = intervalOf(state.control.rate(now));
    return Math.max(state.scheduled - Math.min(interval, EARLY_MS), state.control.holdUntil);
  };
  const recordStart = (state: InstanceState, now: number): void => {
    const interval = intervalOf(state.control.rate(now));
    if (interval > 0) state.scheduled = Math.max(state.scheduled, now) + interval;
    state.control.started(now);
  };
  const stats: GateStats = { granted: 0, active: 0, throttled: 0 };
  let cancelTimer: CancelTimer | undefined;
  let timerAt = Infinity;
  let woken: (() => void) | undefined;

  const stateOf = (id: string): InstanceState => {
    let state = instances.get(id);
    if (state === undefined) {
      const control = createRateController(options.ratePerInstance);
      state = { id, active: 0, pausedUntil: 0, scheduled: 0, control, waiters: [] };
      instances.set(id, state);
    }
    return state;
  };

  const wakeAt = (at: number): void => {
    if (at >= timerAt) return;
    cancelTimer?.();
    timerAt = at;
    cancelTimer = clock.setTimer(() => {
      cancelTimer = undefined;
      timerAt = Infinity;
      pump();
      // A timer may fire a moment early by the clock's reading: a pause not yet over re-arms.
      const now = clock.now();
      let next = Infinity;
      for (const state of instances.values()) {
        if (state.pausedUntil > now) next = Math.min(next, state.pausedUntil);
      }
      if (next !== Infinity) wakeAt(next);
      woken?.();
    }, Math.max(0, at - clock.now()));
  };

  const grant = (state: InstanceState, waiter: Waiter, now: number): void => {
    state.active++;
    stats.active++;
    stats.granted++;
    recordStart(state, now);
    waiter.granted = true;
    if (waiter.onAbort) waiter.signal?.removeEventListener("abort", waiter.onAbort);
    let released = false;
    waiter.resolve(() => {
      if (released) return;
      released = true;
      state.control.ended();
      state.active--;
      stats.active--;
      pump();
    });
  };

  function pump(): void {
    let earliest = Infinity;
    let served = true;
    // Rounds of one grant per ready instance, until the global limit or nobody is ready.
    while (served && stats.active < options.concurrency && waiting.size > 0) {
      served = false;
      const now = clock.now();
      for (const state of [...waiting.values()]) {
        if (stats.active >= options.concurrency) break;
        if (state.pausedUntil > now) {
          earliest = Math.min(earliest, state.pausedUntil);
          continue;
        }
        if (state.active >= options.perInstanceConcurrency) continue;
        const allowedAt = rateAllowsAt(state, now);
        if (allowedAt > now) {
          earliest = Math.min(earliest, allowedAt);
          continue;
        }
        const waiter = state.waiters.shift()!;
        waiting.delete(state.id);
        if (state.waiters.length > 0) waiting.set(state.id, state);
        grant(state, waiter, now);
        served = true;
      }
    }
    if (earliest !== Infinity) wakeAt(earliest);
  }

  const remove = (state: InstanceState, waiter: Waiter): void => {
    const i = state.waiters.indexOf(waiter);
    if (i >= 0) state.waiters.splice(i, 1);
    if (state.waiters.length === 0) waiting.delete(state.id);
    if (waiter.onAbort) waiter.signal?.removeEventListener("abort", waiter.onAbort);
  };

  return {
    acquire(instanceId, signal) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      const state = stateOf(instanceId);
      return new Promise<Release>((resolve, reject) => {
        const waiter: Waiter = { resolve, reject, signal };
        state.waiters.push(waiter);
        if (!waiting.has(instanceId)) waiting.set(instanceId, state);
        pump();
        // Most slots are granted at once, in the pump above: only a waiter still queued
        // listens for its abort (adding and removing a listener per call is measurable).
        if (signal !== undefined && !waiter.granted) {
          waiter.onAbort = () => {
            remove(state, waiter);
            reject(signal.reason);
          };
          signal.addEventListener("abort", waiter.onAbort, { once: true });
        }
      });
    },
    pause(instanceId, until) {
      const state = stateOf(instanceId);
      if (until <= state.pausedUntil) return;
      state.pausedUntil = until;
      pump();
      // Wake at the end even with no waiter here: the scheduler holds the instance's items.
      wakeAt(until);
    },
    pausedUntil(instanceId) {
      return instances.get(instanceId)?.pausedUntil ?? 0;
    },
    admitted(instanceId, sentAt) {
      stateOf(instanceId).control.admitted(clock.now(), sentAt);
    },
    throttled(instanceId, sentAt, hintMs) {
      stats.throttled++;
      // The attempt's release, which follows, pumps and so arms the wake-up for a hold.
      stateOf(instanceId).control.throttled(clock.now(), sentAt, hintMs);
    },
    pacing() {
      const now = clock.now();
      const paced: InstancePacing[] = [];
      for (const { id, control } of instances.values()) {
        const rate = control.rate(now);
        const mode = control.mode;
        if (!Number.isFinite(rate) || mode === "unpaced") continue;
        paced.push({ instanceId: id, rate, mode, throttled: control.throttledCount });
      }
      return paced;
    },
    throttledByInstance() {
      const counts: Record<string, number> = {};
      for (const { id, control } of instances.values()) {
        if (control.throttledCount > 0) counts[id] = control.throttledCount;
      }
      return counts;
    },
    onWake(listener) {
      woken = listener;
    },
    rejectInstance(instanceId, error) {
      const state = instances.get(instanceId);
      if (state === undefined) return;
      for (const waiter of [...state.waiters]) {
        remove(state, waiter);
        waiter.reject(error);
      }
    },
    stats,
    close() {
      cancelTimer?.();
      cancelTimer = undefined;
      timerAt = Infinity;
    },
  };
}
