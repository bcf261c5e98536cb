/**
 * The one clock: the system clock chains waits beyond the platform's timer limit instead of
 * firing them at once, sleep honours an abort, and a client's clock drives its timeouts,
 * retries and deadlines (long durations honoured, not truncated).
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createClient, getToken, LosantRetryAfterError } from "../mod.ts";
import { MAX_TIMER_MS, sleep, systemClock } from "../src/clock.ts";
import { deleteTokens } from "../src/batch/mod.ts";
import { createFakeClock } from "./support/fake-clock.ts";
import { startFixture } from "./support/fixture.ts";

/** Replaces setTimeout and Date.now while `body` runs, recording the delays asked for. */
function withFakePlatform(body: (delays: number[], fire: (advanceMs: number) => void) => void) {
  const realSetTimeout = globalThis.setTimeout;
  const realNow = Date.now;
  let now = 1_000_000;
  const delays: number[] = [];
  let pending: (() => void) | undefined;
  globalThis.setTimeout = ((fn: () => void, ms: number) => {
    delays.push(ms);
    pending = fn;
    return 0;
  }) as unknown as typeof setTimeout;
  Date.now = () => now;
  try {
    body(delays, (advanceMs) => {
      now += advanceMs;
      const fn = pending!;
      pending = undefined;
      fn();
    });
  } finally {
    globalThis.setTimeout = realSetTimeout;
    Date.now = realNow;
  }
}

test("systemClock chains a 3e9 ms wait from steps within the platform limit; never fires early", () => {
  withFakePlatform((delays, fire) => {
    let fired = 0;
    systemClock.setTimer(() => fired++, 3e9);
    assert.equal(delays, [MAX_TIMER_MS]);
    fire(MAX_TIMER_MS);
    assert.is(fired, 0, "not after the first step");
    assert.equal(delays, [MAX_TIMER_MS, 3e9 - MAX_TIMER_MS]);
    fire(3e9 - MAX_TIMER_MS);
    assert.is(fired, 1);
  });
});

test("systemClock: a short timer is one setTimeout; Infinity sets none", () => {
  withFakePlatform((delays) => {
    systemClock.setTimer(() => {}, 25);
    systemClock.setTimer(() => {}, Infinity);
    assert.equal(delays, [25]);
  });
});

test("sleep on a fake clock: resolves when time reaches it, rejects with the reason on abort, leaves no timer", async () => {
  const clock = createFakeClock(0);
  let done = false;
  const slept = sleep(clock, 2 ** 31 + 5).then(() => (done = true));
  await clock.advance(2 ** 31);
  assert.not.ok(done);
  await clock.advance(5);
  await slept;
  assert.ok(done);
  const controller = new AbortController();
  const reason = new Error("stop");
  const aborted = sleep(clock, 1_000, controller.signal);
  assert.is(clock.pending, 1);
  controller.abort(reason);
  assert.is(await aborted.catch((e) => e), reason);
  assert.is(clock.pending, 0, "the timer was cancelled");
});

test("timeout: 3e9 is honoured: the call succeeds instead of timing out at once", async () => {
  const { server, client: _c, instanceId, apiTokenId, accessToken } = await startFixture();
  try {
    server.faults.add({ action: "get", latencyMs: 20 });
    const client = createClient({ accessToken, url: server.url, timeout: 3e9, retry: false });
    const token = await getToken(client, { instanceId, apiTokenId });
    assert.is(token.id, apiTokenId);
  } finally {
    await server.close();
  }
});

test("a client's clock drives its per-attempt timeout: nothing fires until fake time reaches it", async () => {
  const { server, instanceId, apiTokenId, accessToken } = await startFixture();
  try {
    const clock = createFakeClock();
    server.faults.add({ action: "get", latencyMs: 60_000 });
    const client = createClient({
      accessToken,
      url: server.url,
      timeout: 5_000,
      retry: false,
      clock,
    });
    const call = getToken(client, { instanceId, apiTokenId }).then(() => "resolved", (e) => e);
    while (clock.pending === 0) await new Promise((r) => setTimeout(r, 1));
    assert.is(clock.nextDue, clock.now() + 5_000, "the timeout is a timer of the client's clock");
    await clock.advance(4_999);
    await clock.advance(1);
    const error = await call;
    assert.is((error as Error).name, "LosantTimeoutError", String(error));
  } finally {
    await server.close();
  }
});

test("Retry-After: 99999999999999 is a RetryAfterTooLong verdict, not a bare RangeError; in a batch too", async () => {
  const { server, instanceId, apiTokenId, accessToken } = await startFixture();
  try {
    server.faults.add({ action: "get", status: 429, retryAfter: "99999999999999", times: 5 });
    const client = createClient({ accessToken, url: server.url, retry: { retries: 2 } });
    const error = await getToken(client, { instanceId, apiTokenId }).catch((e) => e);
    assert.instance(error, LosantRetryAfterError);
    assert.ok(Number.isFinite(error.retryAt.getTime()), "retryAt is a real date");
    server.faults.add({ action: "delete", status: 429, retryAfter: "99999999999999", times: 5 });
    const report = await deleteTokens(client, [{ instanceId, apiTokenId }]);
    assert.is(report.failed, 1);
    assert.is(report.failures[0]!.type, "RetryAfterTooLong");
    assert.ok(Number.isFinite(Date.parse(report.failures[0]!.retryAt!)));
  } finally {
    await server.close();
  }
});

test.run();
