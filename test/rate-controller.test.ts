/**
 * The per-instance congestion controller (src/batch/rate-controller.ts) as exact sequences of
 * answers → rates and holds, on plain numbers for time (no clock at all); then the gate it
 * sits in, on a fake clock: one instance's 429s never slow another.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  BETA,
  C_PROBE,
  createRateController,
  MAX_HOLD_MS,
  MIN_HOLD_MS,
  MIN_RATE,
  RAMP_MS,
  type RateController,
  RECOVERY_S,
  RELEASE_FACTOR,
  TOLD_C_PROBE,
  TOLD_RECOVERY_S,
} from "../src/batch/rate-controller.ts";
import { createGate } from "../src/batch/instance-gate.ts";
import { fixedWindowLimiter } from "../src/testing/rate-limit.ts";
import { createFakeClock } from "./support/fake-clock.ts";

/** `n` successes answered `every` ms apart from `from`, each sent 5 ms before its answer. */
function admit(control: RateController, from: number, n: number, every: number): void {
  for (let i = 0; i < n; i++) control.admitted(from + i * every, from + i * every - 5);
}

const near = (actual: number, expected: number, what: string): void =>
  assert.ok(Math.abs(actual - expected) < 1e-6, `${what}: ${actual}, expected ${expected}`);

/** A controller that found its first limit: 50 admitted in (0, 1000], a 429 at 1000. */
function limitedAt50(): RateController {
  const control = createRateController(undefined);
  admit(control, 10, 50, 20);
  control.throttled(1000, 995, 1000);
  return control;
}

test("unpaced until the first 429, however many calls succeed", () => {
  const control = createRateController(undefined);
  admit(control, 0, 5000, 1);
  assert.is(control.rate(5000), Infinity);
  assert.is(control.mode, "unpaced");
  assert.is(control.holdUntil, -Infinity);
});

test("the first 429 paces at what the server admitted in the last second, then ramps ×2 per 500 ms", () => {
  const control = limitedAt50();
  assert.is(control.mode, "ramp");
  near(control.rate(1000), 50, "at the 429");
  near(control.rate(1500), 100, "500 ms later");
  near(control.rate(2000), 200, "a second later");
  assert.is(control.holdUntil, 1000 + MIN_HOLD_MS, "a short hold, not the hint's second");
  assert.is(control.throttledCount, 1);
});

test("a 429 for an attempt sent before the cut is stale: counted, nothing else changes", () => {
  const control = limitedAt50();
  control.throttled(1001, 999, 1000);
  near(control.rate(1000), 50, "rate");
  assert.is(control.holdUntil, 1000 + MIN_HOLD_MS);
  assert.is(control.throttledCount, 2);
});

test("fresh 429s with no success since the cut double the hold (at least), up to a second, and never cut again", () => {
  const control = limitedAt50();
  const holds: number[] = [];
  let now = 1000;
  for (let i = 0; i < 8; i++) {
    const sentAt = control.holdUntil;
    now = sentAt + 5;
    control.throttled(now, sentAt, 1000);
    holds.push(control.holdUntil - now);
  }
  assert.equal(holds, [40, 80, 160, 320, 640, MAX_HOLD_MS, MAX_HOLD_MS, MAX_HOLD_MS]);
  assert.is(control.mode, "ramp");
  near(control.rate(now), 50, "the rate was cut once, and did not grow while held");
  near(control.rate(now + 500), 100, "it grows from the last hold on");
});

test("a refused probe waits for the end of the second that began with the oldest success in it", () => {
  const control = createRateController(undefined);
  admit(control, 100, 50, 1); // a window spent in 50 ms
  control.throttled(200, 199);
  assert.is(control.holdUntil, 200 + MIN_HOLD_MS);
  control.throttled(225, 220); // the probe: refused too
  assert.is(control.holdUntil, 100 + 1000, "no one-second window is spent past 1100");
});

test("a hold lets one probe through at a time: no start until it is answered", () => {
  const control = limitedAt50();
  control.started(1020);
  assert.is(control.holdUntil, Infinity, "probe unanswered");
  control.ended();
  assert.is(control.holdUntil, 1020, "the probe is over: the hold's end (past) rules again");
  control.admitted(1030, 1020);
  control.started(1031);
  assert.is(control.holdUntil, 1020, "after a success, starts are not probes");
});

test("a success of an attempt sent before the cut does not count as the cut rate admitted", () => {
  const control = limitedAt50();
  control.admitted(1010, 990); // sent before the cut at 1000
  control.throttled(1030, 1021); // fresh, but the cut rate has not been admitted yet
  assert.is(control.mode, "ramp", "no second cut");
  assert.is(control.holdUntil, 1030 + 40, "the hold doubles instead");
  control.admitted(1080, 1071); // sent after the cut
  control.throttled(1100, 1090);
  assert.is(control.mode, "cubic", "now a 429 cuts");
});

test("in the ramp, a 429 after successes cuts to BETA × min(rate, admitted of the last second); CUBIC regrows", () => {
  const control = limitedAt50();
  admit(control, 1010, 80, 10); // 80 admitted in (1000, 2000]
  control.throttled(2000, 1999);
  assert.is(control.mode, "cubic");
  near(control.rate(2000), BETA * 80, "cut");
  near(control.rate(2000 + 800), 80 * (1 - 0.1 * 0.5 ** 3), "halfway: most of the way back");
  near(control.rate(2000 + RECOVERY_S * 1000), 80, "back at the peak after RECOVERY_S");
  near(control.rate(2000 + RECOVERY_S * 1000 + 100), 80 * 1.002, "flat near it");
  assert.is(control.mode, "cubic");
});

test("past the peak the curve climbs faster than it came back: gently at first, ×2 in 0.8 s", () => {
  const control = limitedAt50();
  admit(control, 1010, 80, 10);
  control.throttled(2000, 1999); // peak 80
  const k = 2000 + RECOVERY_S * 1000; // the curve's inflection: back at the peak
  const rates = [100, 300, 500, 800].map((dt) => control.rate(k + dt));
  near(rates[0]!, 80 * (1 + C_PROBE * 0.1 ** 3), "+0.2% 100 ms past it");
  near(rates[1]!, 80 * (1 + C_PROBE * 0.3 ** 3), "+5.4% at 300 ms");
  near(rates[2]!, 100, "+25% at 500 ms");
  near(rates[3]!, 80 * (1 + C_PROBE * 0.8 ** 3), "×2 at 800 ms");
  assert.ok(rates[3]! > 160, "symmetric CUBIC would be at 80 × 1.012 here");
  assert.is(control.mode, "cubic");
});

test("a 429 during the probe cuts as any fresh 429 does; the probe comes again after the regrowth", () => {
  const control = limitedAt50();
  admit(control, 1010, 80, 10);
  control.throttled(2000, 1999); // peak 80
  admit(control, 3112.5, 80, 12.5); // 80 admitted in (3100, 4100]
  near(control.rate(4100), 100, "probing, 500 ms past the peak");
  control.throttled(4100, 4095); // the limit is still 80: the probe is refused
  assert.is(control.mode, "cubic");
  near(control.rate(4100), BETA * 80, "cut from what was admitted, not from the probe's rate");
  near(control.rate(4100 + RECOVERY_S * 1000), 80, "back at the peak");
  near(control.rate(4100 + RECOVERY_S * 1000 + 500), 100, "and the next probe");
});

test("from RELEASE_FACTOR × the peak with no 429 it ramps, from the moment it got there however often asked", () => {
  const often = limitedAt50();
  const rarely = limitedAt50();
  for (const c of [often, rarely]) {
    admit(c, 1010, 80, 10);
    c.throttled(2000, 1999);
  }
  const releaseAt = 2000 + (RECOVERY_S + ((RELEASE_FACTOR - 1) / C_PROBE) ** (1 / 3)) * 1000;
  for (let t = 2000; t < 6000; t += 7) often.rate(t);
  assert.is(often.mode, "ramp");
  near(rarely.rate(6000), often.rate(6000), "same rate whether asked every 7 ms or once");
  near(rarely.rate(6000), RELEASE_FACTOR * 80 * 2 ** ((6000 - releaseAt) / RAMP_MS), "ramping");
  assert.is(rarely.mode, "ramp");
});

test("a ramp from there that grows 256-fold with no 429: the limit is gone, unpaced", () => {
  const control = limitedAt50();
  admit(control, 1010, 80, 10);
  control.throttled(2000, 1999);
  const releaseAt = 2000 + (RECOVERY_S + ((RELEASE_FACTOR - 1) / C_PROBE) ** (1 / 3)) * 1000;
  assert.ok(Number.isFinite(control.rate(releaseAt + 8 * RAMP_MS - 1)));
  assert.is(control.rate(releaseAt + 8 * RAMP_MS + 1), Infinity);
  assert.is(control.mode, "unpaced");
});

test("the cut never goes above the rate in force (the admitted count may include a burst)", () => {
  const control = limitedAt50();
  admit(control, 1001, 300, 3); // 300 admitted in (1000, 2000]: a burst
  const rate = control.rate(2000); // ramp at 2000: 200
  control.throttled(2000, 1999);
  near(control.rate(2000), BETA * rate, "cut from the rate, not from the count");
});

test("a ramp that grows 256-fold with no 429 ends the same way", () => {
  const control = limitedAt50();
  assert.ok(Number.isFinite(control.rate(1000 + 3999)));
  assert.is(control.rate(1000 + 4000), Infinity);
});

test("told: paced at the told rate less the margin; a 429 cuts below it; regrowth stops at it", () => {
  const control = createRateController(100);
  const told = 100 * 1000 / 1030;
  assert.is(control.mode, "told");
  near(control.rate(0), told, "told rate");
  admit(control, 10, 60, 15); // 60 admitted in the last second
  near(control.rate(1000), told, "successes do not raise it");
  control.throttled(1000, 995);
  assert.is(control.mode, "cubic");
  near(control.rate(1000), BETA * 60, "cut");
  near(control.rate(1000 + TOLD_RECOVERY_S * 1000), 60, "regrown to the peak");
  const k = 1000 + TOLD_RECOVERY_S * 1000;
  near(control.rate(k + 300), 60 * (1 + TOLD_C_PROBE * 0.3 ** 3), "probing towards the told rate");
  const back = k + 1000 * ((told / 60 - 1) / TOLD_C_PROBE) ** (1 / 3);
  near(
    control.rate(back - 1),
    60 * (1 + TOLD_C_PROBE * ((back - 1 - k) / 1000) ** 3),
    "nearly back",
  );
  near(control.rate(back), told, "back at the told rate, never above");
  near(control.rate(back + 1), told, "");
  assert.is(control.mode, "told");
  near(control.rate(back + 60_000), told, "and there it stays");
});

test("told, the curve after a cut is quicker than not told: back at the peak in 0.7 s, ×2 past it in 0.5 s", () => {
  // The same answers to a told and a not-told controller: 60 admitted in the last second,
  // then a 429 (the not-told one had its first 429 before: this one ends its slow start).
  const told = createRateController(100);
  const found = limitedAt50();
  admit(told, 1010, 60, 15);
  admit(found, 1010, 60, 15);
  told.throttled(2000, 1995);
  found.throttled(2000, 1995);
  const times = [0, 350, 700, 800, 1000, 1200, 1600, 2400].map((dt) => 2000 + dt);
  const rates = (c: RateController) => times.map((t) => Math.round(c.rate(t) * 1000) / 1000);
  // Told: 54 → 60 in 0.7 s (concave), then 60 × (1 + 8 × (t − 0.7)³): +0.8% 0.1 s past the
  // peak, +22% at 0.3 s, ×2 at 0.5 s: at the told 97.087 by then, and paced at it from then on.
  assert.equal(rates(told), [54, 59.25, 60, 60.48, 72.96, 97.087, 97.087, 97.087]);
  assert.is(told.mode, "told");
  // Not told, the same cut: 1.6 s back to the peak, then ×2 in 0.8 s (and no ceiling).
  assert.equal(rates(found), [54, 57.139, 58.932, 59.25, 59.684, 59.906, 60, 121.44]);
  assert.is(found.mode, "cubic");
});

/**
 * Runs a controller against the embedded server's fixed one-second window for `ms` (1-ms
 * steps): starts spaced at the controller's rate (and after its holds), each answered 5 ms
 * later; `limitAt(t)` is the server's limit, changed while running. Returns the rate every
 * 250 ms and when each 429 was sent.
 */
function against(
  control: RateController,
  limitAt: (t: number) => number,
  ms: number,
): { rates: number[]; refusedAt: number[] } {
  let t = 0;
  let limit = limitAt(0);
  const limiter = fixedWindowLimiter({ perSecond: limit }, () => t);
  const rates: number[] = [];
  const refusedAt: number[] = [];
  const answers: { at: number; sentAt: number; ok: boolean }[] = [];
  let next = 0;
  for (; t < ms; t++) {
    if (limitAt(t) !== limit) limiter.setLimit({ perSecond: limit = limitAt(t) });
    while (answers.length > 0 && answers[0]!.at <= t) {
      const { at, sentAt, ok } = answers.shift()!;
      if (ok) control.admitted(at, sentAt);
      else control.throttled(at, sentAt, 1000);
      control.ended();
    }
    const rate = control.rate(t);
    if (t % 250 === 0) rates.push(rate);
    if (t < next || t < control.holdUntil) continue;
    next = Math.max(next, t - 20) + 1000 / rate;
    control.started(t);
    const ok = limiter.admit("a") === undefined;
    if (!ok) refusedAt.push(t);
    answers.push({ at: t + 5, sentAt: t, ok });
  }
  return { rates, refusedAt };
}

test("told, the limit halved for a while, then restored: back at the told rate within a second of the probe", () => {
  const told = 100 * 1000 / 1030;
  const { rates, refusedAt } = against(
    createRateController(100),
    (t) => (t >= 10_000 && t < 20_000 ? 50 : 100),
    30_000,
  );
  const at = (ms: number) => rates[ms / 250]!;
  near(at(9_750), told, "told, before the halving");
  assert.ok(refusedAt[0]! >= 10_000, "no 429 before the halving");
  assert.ok(at(12_000) <= 50, `follows the halving: ${at(12_000)}`);
  const back = rates.slice(20_000 / 250).findIndex((r) => Math.abs(r - told) < 1e-6) * 0.25;
  // At worst a whole told regrowth after a 429 just before the restore, then 0.5 s to double
  // (and the 250 ms between samples).
  const bound = TOLD_RECOVERY_S + 0.75;
  assert.ok(back >= 0 && back <= bound, `back at the told rate ${back} s after the restore`);
  const during = refusedAt.filter((t) => t >= 10_000 && t < 20_000).length;
  assert.ok(during <= 20, `${during} 429s while halved`);
  assert.is(refusedAt.filter((t) => t >= 20_000 + 1000).length, 0, "no 429 once restored");
});

test("a whole-second hint over a second holds for its certain part, H − 1 s", () => {
  const three = limitedAtHint(3000);
  assert.is(three.holdUntil, 1000 + 2000);
  const one = limitedAtHint(1000);
  assert.is(one.holdUntil, 1000 + MIN_HOLD_MS, "a hint of a second says only 'within a second'");
  const none = limitedAtHint(undefined);
  assert.is(none.holdUntil, 1000 + MIN_HOLD_MS);
  near(three.rate(1000), 50, "the hint does not change the rate");
});

function limitedAtHint(hintMs: number | undefined): RateController {
  const control = createRateController(undefined);
  admit(control, 10, 50, 20);
  control.throttled(1000, 995, hintMs);
  return control;
}

test("the first hold is the rate's own interval when that is longer than MIN_HOLD_MS", () => {
  const control = createRateController(10); // told 10/s: 103 ms apart
  admit(control, 100, 9, 100);
  control.throttled(1000, 990);
  assert.is(control.holdUntil, 1000 + 103);
});

test("the rate never falls below MIN_RATE, even when nothing was admitted", () => {
  const control = createRateController(1);
  control.throttled(1000, 995); // nothing admitted in the last second
  assert.is(control.rate(1000), MIN_RATE);
});

test("the gate: an abort ends a waiter that is queued, and is a no-op once its slot is granted", async () => {
  const clock = createFakeClock(0);
  const gate = createGate({ concurrency: 1, perInstanceConcurrency: 1 }, clock);
  // Granted at once, with a signal: aborting it afterwards changes nothing.
  const early = new AbortController();
  const releaseA = await gate.acquire("a", early.signal);
  early.abort(new Error("too late"));
  assert.is(gate.stats.active, 1);
  // Queued behind A: its abort rejects it with the reason and takes it out of the queue.
  const queued = new AbortController();
  const b = gate.acquire("a", queued.signal);
  const reason = new Error("cancelled while waiting");
  queued.abort(reason);
  assert.is(await b.then(() => "granted", (e: unknown) => e), reason);
  // Queued, then granted when A releases; an abort after that grant is a no-op too.
  const late = new AbortController();
  let cGranted = false;
  const c = gate.acquire("a", late.signal).then((release) => {
    cGranted = true;
    return release;
  });
  releaseA();
  const releaseC = await c;
  assert.ok(cGranted, "C gets the slot B left");
  late.abort(new Error("too late"));
  releaseC();
  assert.is(gate.stats.active, 0);
  // The queue is clean: the next caller is granted at once.
  const releaseD = await gate.acquire("a");
  assert.is(gate.stats.active, 1);
  releaseD();
  assert.is(gate.stats.granted, 3, "A, C and D; never B");
});

test("the gate: one instance's 429s hold and slow it; another instance is granted at once", async () => {
  const clock = createFakeClock(0);
  const gate = createGate({ concurrency: 8, perInstanceConcurrency: 4 }, clock);
  try {
    // A: 20 admitted, then a 429 that leaves A at ~20/s with a hold.
    for (let i = 0; i < 20; i++) {
      const release = await gate.acquire("a");
      gate.admitted("a", clock.now());
      release();
    }
    const release = await gate.acquire("a");
    gate.throttled("a", clock.now(), 1000);
    release();
    assert.is(gate.stats.throttled, 1);
    let aGranted = false;
    const a = gate.acquire("a").then((r) => {
      aGranted = true;
      r();
    });
    // B has its own controller: unpaced, granted now, many times over.
    for (let i = 0; i < 50; i++) (await gate.acquire("b"))();
    await Promise.resolve();
    assert.is(aGranted, false, "A is held");
    assert.equal(gate.pacing().map((p) => [p.instanceId, p.mode, p.throttled]), [["a", "ramp", 1]]);
    assert.equal(
      gate.throttledByInstance(),
      { a: 1 },
      "per instance; B, never throttled, unlisted",
    );
    await clock.advance(MIN_HOLD_MS);
    await a;
    assert.is(aGranted, true, "A goes on after its short hold");
  } finally {
    gate.close();
  }
});

test.run();
