/**
 * Batch pacing on a fake clock (no real seconds): a 429 with Retry-After slows that instance
 * and only it, a Retry-After beyond maxRetryAfter fails that instance's remaining items,
 * ratePerInstance holds under a per-second window, and a server rate limit is ridden out.
 * Where the server decides by time (its rate limiter), it reads the same fake clock as the
 * client (`startFakeLosant({ clock })`), so a loaded machine cannot move a window or a pause.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { deleteTokens } from "../src/batch/mod.ts";
import { MIN_HOLD_MS } from "../src/batch/rate-controller.ts";
import { fakeClockClient, fakeClockFixture, fixture, itemsOf } from "./batch-fixture.ts";
import { drive } from "./support/fake-clock.ts";

/** The most request arrivals within any `windowMs` span. */
function maxInWindow(times: readonly number[], windowMs: number): number {
  const starts = [...times].sort((a, b) => a - b);
  let max = 0;
  for (let i = 0, j = 0; i < starts.length; i++) {
    while (starts[i]! - starts[j]! >= windowMs) j++;
    max = Math.max(max, i - j + 1);
  }
  return max;
}

test("a 429 with Retry-After slows that instance only: a short hold, then paced; others flow", async () => {
  const { server, client, clock, inFlight, sent, answered } = await fakeClockFixture(2);
  try {
    const [a, b] = server.instanceIds as [string, string];
    for (let i = 0; i < 60; i++) server.store.createToken(a);
    for (let i = 0; i < 300; i++) server.store.createToken(b);
    server.faults.add({ action: "delete", latencyMs: 10, times: Infinity });
    server.faults.add({ action: "delete", instanceId: a, status: 429, retryAfter: 1 });

    const report = await drive(
      clock,
      deleteTokens(client, itemsOf(server, [a, b]), { concurrency: 6, perInstanceConcurrency: 3 }),
      inFlight,
    );
    assert.is(report.succeeded, 360, JSON.stringify(report.failures.slice(0, 2)));

    const limited = answered(429);
    assert.is(limited.length, 1);
    assert.is(limited[0]!.instanceId, a);
    // A hint of one whole second says only "within a second": A's controller holds it for a
    // moment (MIN_HOLD_MS) and paces it from then on, rather than idling it for the second.
    const announced = limited[0]!.at + 1000;
    const early = sent.get(a)!.filter((t) => t > limited[0]!.at && t < announced);
    assert.ok(early.length > 0, "instance A was not paused for the whole hint");
    assert.ok(
      early[0]! >= limited[0]!.at + MIN_HOLD_MS,
      `A resumed after ${early[0]! - limited[0]!.at} ms`,
    );
    const flowing = sent.get(b)!.filter((t) => t >= limited[0]!.at && t < announced);
    assert.ok(
      flowing.length >= 60,
      `only ${flowing.length} requests to the other instance while paused`,
    );
    const resumed = sent.get(a)!.filter((t) => t >= announced);
    assert.ok(resumed.length > 0, "instance A resumed after the pause");
  } finally {
    await server.close();
  }
});

test("a Retry-After beyond maxRetryAfter fails that instance's remaining items; others continue", async () => {
  const { server, accessToken } = await fixture(2, 40);
  try {
    const { client, clock, inFlight } = fakeClockClient(server, accessToken);
    const [a, b] = server.instanceIds as [string, string];
    server.faults.add({ action: "delete", latencyMs: 5, times: Infinity });
    server.faults.add({ action: "delete", instanceId: a, status: 503, retryAfter: 3600 });

    const report = await drive(
      clock,
      deleteTokens(client, itemsOf(server, [a, b]), {
        concurrency: 4,
        perInstanceConcurrency: 2,
        retry: { maxRetryAfter: 10_000 },
      }),
      inFlight,
    );
    assert.is(report.total, 80);
    assert.is(report.total, report.succeeded + report.failed);
    const tooLong = report.failures.filter((r) => r.type === "RetryAfterTooLong");
    assert.is(tooLong.length, report.failed, "every failure is RetryAfterTooLong");
    assert.ok(report.failed >= 35, `${report.failed} failed: the instance's remaining items`);
    for (const r of tooLong) {
      assert.ok(r.key.startsWith(`${a}/`));
      assert.ok(Date.parse(r.retryAt!) > Date.now() + 3_000_000, "retryAt is the moment named");
    }
    assert.is(server.store.listTokens(b).length, 0, "the other instance finished");
    assert.is(server.store.listTokens(a).length, report.failed, "failed items were not deleted");
    // No request to A after the verdict, apart from ones already in flight.
    const deletesToA = server.requests.filter((r) => r.instanceId === a && r.method === "DELETE");
    assert.ok(deletesToA.length <= 2, `${deletesToA.length} deletes sent to the blocked instance`);
  } finally {
    await server.close();
  }
});

test("ratePerInstance keeps every one-second window of each instance under the rate", async () => {
  const { server, accessToken } = await fixture(2, 50);
  try {
    const { client, clock, inFlight, sent } = fakeClockClient(server, accessToken);
    const rate = 40;
    const started = clock.now();
    const report = await drive(
      clock,
      deleteTokens(client, itemsOf(server, server.instanceIds), {
        concurrency: 8,
        ratePerInstance: rate,
      }),
      inFlight,
    );
    const seconds = (clock.now() - started) / 1000;
    assert.is(report.succeeded, 100);
    for (const id of server.instanceIds) {
      // Send times on the clock the gate paces by: no scheduling jitter to allow for.
      const max = maxInWindow(sent.get(id)!, 1000);
      assert.ok(max <= rate, `instance ${id}: ${max} requests sent in one second`);
    }
    assert.ok(seconds >= 49 / rate, `took ${seconds}s: not paced`);
    assert.ok(seconds < 3, `took ${seconds}s: paced far below the rate`);
  } finally {
    await server.close();
  }
});

test("a server rate limit is ridden out from 429s alone", async () => {
  const { server, client, clock, inFlight } = await fakeClockFixture(1, 80);
  try {
    // The window counts on the fake clock: it ends only when the gate's pause lets time move.
    const limiter = server.faults.rateLimit({ perSecond: 50 });
    const report = await drive(
      clock,
      deleteTokens(client, itemsOf(server, server.instanceIds), {
        concurrency: 8,
        perInstanceConcurrency: 4,
      }),
      inFlight,
    );
    assert.is(report.succeeded, 80, JSON.stringify(report.failures.slice(0, 2)));
    assert.ok(limiter.used > 0, "the limit was hit");
    // What was in flight when the first 429 came back (4), and the probes the controller's
    // doubling holds (20, 40, 80 … ms) let through while the window stays spent (at most 6).
    assert.ok(limiter.used <= 4 + 6, `${limiter.used} requests answered 429`);
  } finally {
    await server.close();
  }
});

for (
  const [status, retryAfter] of [[429, "99999999999999"], [503, "99999999999999"], [429, "3600"], [
    503,
    "3600",
  ]] as const
) {
  test(`a ${status} with Retry-After ${retryAfter} on an attempt not retried fails the instance's remaining items at once (regression: held until then)`, async () => {
    const { server, client, clock, inFlight } = await fakeClockFixture(2, 5);
    try {
      const [a, b] = server.instanceIds as [string, string];
      server.faults.add({ action: "delete", instanceId: a, status, retryAfter });
      const started = clock.now();
      let settledAt: number | undefined;
      const job = deleteTokens(client, itemsOf(server, [a, b]), {
        concurrency: 1,
        retry: { retries: 0 },
      }).then((r) => ((settledAt = clock.now()), r));
      const report = await drive(clock, job, inFlight);
      assert.is(report.total, 10);
      assert.is(report.succeeded, 5, "the other instance finished");
      assert.is(server.store.listTokens(b).length, 0);
      assert.is(report.failed, 5, JSON.stringify(report.failures));
      const verdicts = report.failures.filter((r) => r.type === "RetryAfterTooLong");
      assert.is(verdicts.length, 4, "the instance's other items: the server's verdict");
      assert.ok(verdicts.every((r) => r.key.startsWith(`${a}/`)));
      assert.is(server.store.listTokens(a).length, 5, "nothing deleted on the blocked instance");
      // Before the fix the gate held the instance until the moment named (an hour, or the
      // year 275760) and the job with it.
      assert.ok(
        settledAt! - started < 60_000,
        `settled ${settledAt! - started} ms after the start`,
      );
      assert.is(clock.pending, 0, "no timer left");
    } finally {
      await server.close();
    }
  });
}

test.run();
