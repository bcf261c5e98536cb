/**
 * One instance's congestion controller: the rate at which the gate starts attempts to it,
 * decided from what the server answered. A pure object: every method takes `now` (epoch ms,
 * from the job's one clock), so a test replays a sequence of answers and reads the rate.
 *
 * Why this design (AIMD with a memory, as TCP CUBIC), not an estimate of the server's
 * rate and burst from its hints: Losant's hint is whole seconds ("Retry in N seconds",
 * rounded down; a Retry-After header rounded up), so for a limit of tens of requests a
 * second it says "within a second" and nothing about the rate. What is measurable is what
 * the server admitted: the successes of the last second. So:
 *
 * - Unpaced until the first 429 (a job against an unlimited server pays nothing). Told
 *   (`ratePerInstance`), paced at the told rate, which is also the ceiling.
 * - A 429 for an attempt started after the last decrease (a fresh one: older ones tell of
 *   the rate before it) cuts the rate to `BETA` × min(rate, successes of the last second):
 *   the admitted count is the server's limit seen from here, so one step lands near it
 *   whatever the rate was (e.g. from unpaced). The rate it cut from is remembered (`peak`).
 * - A fresh 429 before any attempt sent since the decrease was admitted (a fixed window
 *   still spent, a burst not yet refilled, answers still arriving for what was in flight: on
 *   a slow start-up those take hundreds of ms) does not cut again: it doubles a short hold
 *   instead (the next start, one probe, waits for it), so the rate is not ground down while
 *   the server only says "not yet"; the rate's growth starts again from the end of the holds.
 * - While calls succeed the rate grows back as CUBIC's curve: concave up to `peak` (where
 *   the last 429 came) in `RECOVERY_S`, flat near it, then convex beyond it. The convex
 *   side is steeper than the concave one (`C_PROBE`: twice `peak` 0.8 s past it, where
 *   symmetric CUBIC needs 3.4 s): gentle for its first ~0.3 s, so a probe of a steady limit
 *   goes only a few % over it and costs about one 429 every ~2 s; then fast, so a limit that
 *   was raised, or restored after a cut (a told limit the server halved for a while, most
 *   likely restored), is found within a second of the probe. Told, the curve stops at the
 *   told rate, and both its halves are quicker (`TOLD_RECOVERY_S`, `TOLD_C_PROBE`: a
 *   lowered told limit is most likely restored, and found ~1.3 s sooner for a few more
 *   probes). From 4 × `peak` with no 429 (the limit was raised a lot) the rate doubles
 *   every `RAMP_MS`, as it does after the first 429 from unpaced (slow start: the admitted
 *   count then may only be a burst). Never back to unpaced but after a 256-fold ramp: an
 *   unpaced blast into a limit costs a whole wave of 429s.
 * - A whole-second hint H is used for the part of it that is certain under either rounding:
 *   a hold of H − 1 s (nothing for H ≤ 1 s). The rest is the controller's; a blanket pause
 *   for the whole hint would idle most of a second for a window that ends in milliseconds.
 */

/** Rate cut factor on a fresh 429 (CUBIC's β). */
export const BETA = 0.9;
/** Seconds to grow back from BETA × peak to peak. */
export const RECOVERY_S = 1.6;
/** CUBIC's constant up to `peak`, from BETA and RECOVERY_S: rate = peak × (1 + C × (t − K)³). */
const C = (1 - BETA) / RECOVERY_S ** 3;
/** After the first 429 from unpaced, the rate doubles this often until the next 429. */
export const RAMP_MS = 500;
/** The lowest rate a 429 can push an instance to (starts per second). */
export const MIN_RATE = 0.1;
/** The slowest ramp start: a 429 before anything was admitted says little about the rate. */
export const MIN_RAMP_START = 1;
/** First hold after a fresh 429 when the rate's own interval is shorter; then doubling. */
export const MIN_HOLD_MS = 20;
/** Holds stop doubling here: a limit's window is a second. */
export const MAX_HOLD_MS = 1_000;
/**
 * CUBIC's constant past `peak`: rate = peak × (1 + C_PROBE × (t − RECOVERY_S)³), so +0.2%
 * 0.1 s past it, +5% at 0.3 s, ×2 at 0.8 s. Steeper probes find a restored limit sooner but
 * overshoot a steady one further (more 429s, and a fixed window spent earlier).
 */
export const C_PROBE = 2;
/**
 * Told, the curve's two halves are quicker: back at `peak` in 0.7 s (not RECOVERY_S), and
 * past it ×2 in 0.5 s (TOLD_C_PROBE: +0.8% 0.1 s past it, +22% at 0.3 s). A 429 below the
 * told rate means the server lowered its limit for a while; once it is restored, every
 * second spent at the lowered rate leaves (told − lowered) requests unused, so the probes
 * come every ~1 s instead of every ~2 s (one or two 429s each) and climb back ~1.3 s
 * sooner. Measured in bench/batch-rate.ts's told rows with the limit halved and restored.
 */
export const TOLD_RECOVERY_S = 0.7;
/** Told, CUBIC's constant past `peak`: see TOLD_RECOVERY_S. */
export const TOLD_C_PROBE = 8;
/**
 * Probes cost about one 429 each, so at a low rate they are spaced out: the convex side
 * doubles in no less than the time `PROBE_REQUESTS` take at the rate (told: the told rate,
 * the one to get back to; otherwise `peak`), and never slower than symmetric CUBIC.
 * 100/s or 50/s: 0.8 s (C_PROBE); 20/s: 2 s; 12/s and below: 3.4 s, as before.
 */
export const PROBE_REQUESTS = 40;
/** Beyond this multiple of `peak` with no 429 the limit was raised a lot: ramp upwards. */
export const RELEASE_FACTOR = 4;
/** A ramp this many times its start without a 429: the limit is gone. */
const RAMP_RELEASE_FACTOR = 256;
/** The span whose successes count as the server's admitted rate. */
const WINDOW_MS = 1_000;
/**
 * A told rate is paced this far below, as `(1000 + RATE_MARGIN_MS) / rate` ms apart: so a
 * server's fixed one-second window does not now and then see one request too many from
 * timers firing a little late and being made up.
 */
export const RATE_MARGIN_MS = 30;

/**
 * The convex side's constant for a probe at `rate` (see PROBE_REQUESTS), from the steepest
 * one allowed and the concave side's constant (never slower than symmetric CUBIC).
 */
export function probeConstant(rate: number, steepest = C_PROBE, concave = C): number {
  const doubling = Math.max(
    steepest ** (-1 / 3),
    Math.min(concave ** (-1 / 3), PROBE_REQUESTS / rate),
  );
  return doubling ** -3;
}

/** What the controller is doing. */
export type RateMode = "unpaced" | "told" | "ramp" | "cubic";

/** A controller made by {@link createRateController}. */
export interface RateController {
  /** Starts per second allowed at `now`; Infinity: unpaced. */
  rate(now: number): number;
  /**
   * No start before this moment (epoch ms): a hold after a 429, or Infinity while the one
   * probe a hold lets through is unanswered.
   */
  readonly holdUntil: number;
  /** An attempt starts at `now` (the gate granted it). */
  started(now: number): void;
  /** An attempt is over, however it ended (a network error too): a probe's wait is over. */
  ended(): void;
  /** An attempt started at `sentAt` was answered at `now`, not with a 429. */
  admitted(now: number, sentAt: number): void;
  /**
   * An attempt started at `sentAt` was answered 429 at `now`; `hintMs` is the wait the
   * server named (Retry-After or "Retry in N seconds"), when it named one.
   */
  throttled(now: number, sentAt: number, hintMs?: number): void;
  /** 429s seen, fresh and stale. */
  readonly throttledCount: number;
  readonly mode: RateMode;
}

/**
 * Makes a controller: told (`told` starts per second) or finding the rate (undefined).
 *
 * @example
 * const control = createRateController(undefined);
 * control.rate(now); // Infinity: unpaced until a 429
 * control.throttled(now, sentAt, 1000);
 * control.rate(now); // 0.9 × what the server admitted in the last second
 */
export function createRateController(told: number | undefined): RateController {
  const ceiling = told === undefined ? Infinity : told * 1000 / (1000 + RATE_MARGIN_MS);
  const recovery = told === undefined ? RECOVERY_S : TOLD_RECOVERY_S;
  const concave = (1 - BETA) / recovery ** 3;
  const steepest = told === undefined ? C_PROBE : TOLD_C_PROBE;
  let mode: RateMode = told === undefined ? "unpaced" : "told";
  let peak = ceiling;
  /** When the last cut took effect: 429s for attempts started before it are stale. */
  let cutAt = -Infinity;
  /** Where the rate's current curve starts: the cut, the end of a hold, or a probe's start. */
  let growFrom = -Infinity;
  /** Rate at the cut (ramp mode grows from it). */
  let base = ceiling;
  let successSinceCut = true;
  let holdUntil = -Infinity;
  let holdMs = 0;
  /** A start after a hold, while the server said "not yet" and nothing since: one at a time. */
  let probing = false;
  let throttledCount = 0;
  /** Answer times of the successes of the last WINDOW_MS, oldest first. */
  const admitted: number[] = [];

  const forget = (now: number): void => {
    let stale = 0;
    while (stale < admitted.length && admitted[stale]! <= now - WINDOW_MS) stale++;
    if (stale > 0) admitted.splice(0, stale);
  };

  const rate = (now: number): number => {
    if (mode === "unpaced" || mode === "told") return ceiling;
    // When the curve reaches RELEASE_FACTOR × peak: far past the last limit with no 429, it
    // was raised a lot, so search upwards by doubling from then (whenever this is asked).
    const probe = probeConstant(Number.isFinite(ceiling) ? ceiling : peak, steepest, concave);
    const releaseAt = growFrom + (recovery + ((RELEASE_FACTOR - 1) / probe) ** (1 / 3)) * 1000;
    if (mode === "cubic" && now >= releaseAt) {
      mode = "ramp";
      base = RELEASE_FACTOR * peak;
      growFrom = releaseAt;
    }
    const t = Math.max(0, now - growFrom) / 1000;
    const k = t - recovery;
    const grown = mode === "ramp"
      ? base * 2 ** (t * 1000 / RAMP_MS)
      : peak * (1 + (k < 0 ? concave : probe) * k ** 3);
    if (grown >= ceiling || (mode === "ramp" && grown >= RAMP_RELEASE_FACTOR * base)) {
      // Back at the told rate, or the limit is gone: stop pacing for it.
      mode = told === undefined ? "unpaced" : "told";
      peak = ceiling;
      return ceiling;
    }
    return Math.max(MIN_RATE, Math.min(ceiling, grown));
  };

  return {
    rate,
    get holdUntil() {
      return probing ? Infinity : holdUntil;
    },
    started(_now) {
      if (holdMs > 0) probing = true;
    },
    ended() {
      probing = false;
    },
    admitted(now, sentAt) {
      forget(now);
      admitted.push(now);
      probing = false;
      // Only an attempt sent since the cut says the cut rate is admitted (and the hold over).
      if (sentAt < cutAt) return;
      successSinceCut = true;
      holdMs = 0;
    },
    throttled(now, sentAt, hintMs) {
      throttledCount++;
      probing = false;
      if (sentAt < cutAt) return; // sent at the rate before the last cut: already answered
      const current = rate(now);
      // The server's "not before" part of a whole-second hint: certain under either rounding.
      if (hintMs !== undefined && hintMs > 1000) {
        holdUntil = Math.max(holdUntil, now + hintMs - 1000);
      }
      const interval = Number.isFinite(current) ? 1000 / current : 0;
      if (holdMs === 0) holdMs = Math.max(MIN_HOLD_MS, interval);
      else {
        // A probe refused too: no one-second window stays spent past a second after the
        // oldest success in it, so wait at most that long; at least twice the last hold.
        forget(now);
        const windowEnds = admitted.length > 0 ? admitted[0]! + WINDOW_MS - now : 0;
        holdMs = Math.min(MAX_HOLD_MS, Math.max(holdMs * 2, windowEnds));
      }
      holdUntil = Math.max(holdUntil, now + holdMs);
      if (!successSinceCut) {
        // Still "not yet": hold longer, do not cut again, and do not count held time as growth.
        cutAt = growFrom = now;
        return;
      }
      forget(now);
      const seen = Math.max(MIN_RATE, admitted.length * 1000 / WINDOW_MS);
      successSinceCut = false;
      cutAt = growFrom = now;
      if (mode === "unpaced") {
        // From unpaced the admitted count may be a burst, not the rate: ramp up from it.
        mode = "ramp";
        base = Math.min(Math.max(seen, MIN_RAMP_START), ceiling);
        peak = ceiling;
        return;
      }
      peak = Math.min(current, seen);
      base = BETA * peak;
      mode = "cubic";
    },
    get throttledCount() {
      return throttledCount;
    },
    get mode() {
      return mode;
    },
  };
}
