// The retry policy with an injected clock: no sockets, no real timers, exact delays.
import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  LosantApiError,
  LosantNetworkError,
  LosantResponseError,
  LosantRetryAfterError,
  LosantTimeoutError,
  type RequestContext,
  type RetryInfo,
  type RetryOptions,
} from "../mod.ts";
import { DEFAULT_RETRY_OPTIONS, resolveRetryOptions } from "../src/pipeline/retry-options.ts";
import {
  backoffDelay,
  decideRetry,
  isOutcomeUnknown,
  isRetryable,
  parseRetryAfter,
} from "../src/pipeline/retry-policy.ts";
import { type RetryClock, runAttempts } from "../src/pipeline/retry.ts";
import { abortableSleep } from "../src/pipeline/abortable-sleep.ts";
import { deleteTokenAction } from "../src/actions/delete-token.ts";
import { getTokenAction } from "../src/actions/get-token.ts";

const api = (status: number, retryAfter?: string) =>
  new LosantApiError(status, "T", `status ${status}`, { retryAfter });
const options = resolveRetryOptions({});

/** A clock whose sleep advances time at once and records each delay. */
function fakeClock(start = 1_000_000, random = 0.5) {
  let now = start;
  const sleeps: number[] = [];
  const clock: RetryClock = {
    now: () => now,
    random: () => random,
    sleep(ms, signal) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      sleeps.push(ms);
      now += ms;
      return Promise.resolve();
    },
  };
  return { clock, sleeps, advance: (ms: number) => (now += ms), now: () => now };
}

function context(over: Partial<RequestContext> = {}): RequestContext {
  return {
    action: "getToken",
    semantics: over.action === "deleteToken" ? deleteTokenAction : getTokenAction,
    callId: "c",
    params: {},
    instanceId: "i",
    method: "GET",
    path: "/p",
    query: {},
    headers: {},
    attempt: 0,
    timeout: 0,
    retry: {},
    state: {},
    ...over,
  };
}

/** An attempt function that throws the scripted errors in turn, then succeeds. */
function scripted(ctx: RequestContext, errors: unknown[]) {
  const seen: number[] = [];
  const run = () => {
    seen.push(ctx.attempt);
    const next = errors.shift();
    if (next !== undefined) return Promise.reject(next);
    ctx.result = "ok";
    return Promise.resolve();
  };
  return { run, seen };
}

test("retryable: network, timeout, 408, 429, 5xx gateway family; never 4xx or bad shapes", () => {
  for (const status of [408, 429, 500, 502, 503, 504]) {
    assert.ok(isRetryable(api(status)), `${status}`);
  }
  for (const status of [400, 401, 403, 404, 409, 422, 501]) {
    assert.not.ok(isRetryable(api(status)), `${status}`);
  }
  assert.ok(isRetryable(new LosantNetworkError("reset")));
  assert.ok(isRetryable(new LosantTimeoutError("slow", 10)));
  assert.not.ok(isRetryable(new LosantResponseError("not json")));
  assert.not.ok(isRetryable(new TypeError("bug")));
  assert.not.ok(isRetryable(new LosantRetryAfterError(api(429), new Date(), 1)));
});

test("outcome unknown: no answer or a 5xx; a 429 or 4xx says nothing happened", () => {
  assert.ok(isOutcomeUnknown(new LosantNetworkError("reset")));
  assert.ok(isOutcomeUnknown(new LosantTimeoutError("slow", 1)));
  assert.ok(isOutcomeUnknown(api(502)));
  assert.not.ok(isOutcomeUnknown(api(429)));
  assert.not.ok(isOutcomeUnknown(api(408)));
  assert.not.ok(isOutcomeUnknown(api(404)));
});

test("backoff: full jitter between the floor and an exponential, capped ceiling", () => {
  const o = { minTimeout: 100, maxTimeout: 1_000, factor: 2 };
  assert.is(backoffDelay(1, o, () => 0), 100);
  assert.is(backoffDelay(1, o, () => 0.999999), 200);
  assert.is(backoffDelay(2, o, () => 0.999999), 400);
  assert.is(backoffDelay(3, o, () => 0.5), 450);
  assert.is(backoffDelay(10, o, () => 0.999999), 1_000);
  assert.is(backoffDelay(1, DEFAULT_RETRY_OPTIONS, () => 0.5), 375);
  // Jitter really spreads: many draws are not all equal.
  const draws = new Set(Array.from({ length: 50 }, () => backoffDelay(4, o)));
  assert.ok(draws.size > 10);
});

test("defaults are documented values; undefined fields keep them; max below min is lifted", () => {
  assert.equal({ ...DEFAULT_RETRY_OPTIONS }, {
    retries: 4,
    minTimeout: 250,
    maxTimeout: 8_000,
    factor: 2,
    maxRetryAfter: 60_000,
  });
  assert.is(resolveRetryOptions({ retries: undefined }).retries, 4);
  assert.is(resolveRetryOptions({ minTimeout: 500, maxTimeout: 10 }).maxTimeout, 500);
});

test("Retry-After: delta-seconds from now, HTTP-date as is, nonsense ignored", () => {
  assert.is(parseRetryAfter("3", 10_000), 13_000);
  assert.is(parseRetryAfter(" 0 ", 10_000), 10_000);
  const date = "Wed, 21 Oct 2015 07:28:00 GMT";
  assert.is(parseRetryAfter(date, 0), Date.UTC(2015, 9, 21, 7, 28, 0));
  assert.is(parseRetryAfter(undefined, 0), undefined);
  assert.is(parseRetryAfter("soon", 0), undefined);
  assert.is(parseRetryAfter("1.5", 0), undefined);
  assert.is(parseRetryAfter("-1", 0), undefined);
});

test("decide: Retry-After beats a shorter backoff, a longer backoff beats it", () => {
  const now = 1_000_000;
  const at = (s: number) => new Date(now + s * 1000).toUTCString();
  const wait = (error: unknown, o = options) =>
    decideRetry(error, o, { retry: 1, now, random: () => 0 });
  assert.equal(wait(api(429, "2")), { kind: "wait", delayMs: 2_000 });
  assert.equal(wait(api(503, at(5))), { kind: "wait", delayMs: 5_000 });
  assert.equal(wait(api(429, "0")), { kind: "wait", delayMs: 250 });
  // Only 429 and 503 name a moment; a 500's header is not a promise.
  assert.equal(wait(api(500, "30")), { kind: "wait", delayMs: 250 });
  assert.equal(wait(api(429, "61")), { kind: "retry-after-too-long", retryAt: now + 61_000 });
  assert.equal(wait(api(429, "5"), resolveRetryOptions({ maxRetryAfter: 4_000 })), {
    kind: "retry-after-too-long",
    retryAt: now + 5_000,
  });
  assert.equal(wait(api(404)), { kind: "stop" });
});

test("decide: no retry that could not start before the deadline", () => {
  const now = 1_000;
  const decide = (deadline: number) =>
    decideRetry(api(429, "2"), options, { retry: 1, now, random: () => 0, deadline });
  assert.equal(decide(now + 2_000), { kind: "stop" });
  assert.equal(decide(now + 2_001), { kind: "wait", delayMs: 2_000 });
});

test("runAttempts: retries with the exact delays told to onRetry, then succeeds", async () => {
  const told: RetryInfo[] = [];
  const fromCtx: RetryInfo[] = [];
  const ctx = context({ retry: { onRetry: (i) => told.push(i) }, onRetry: (i) => fromCtx.push(i) });
  const { clock, sleeps } = fakeClock(0, 0.5);
  const first = new LosantNetworkError("reset");
  const { run, seen } = scripted(ctx, [first, api(503), api(429, "3")]);
  await runAttempts(ctx, run, clock);
  assert.equal(seen, [1, 2, 3, 4]);
  assert.is(ctx.result, "ok");
  assert.equal(sleeps, [375, 625, 3_000]);
  assert.equal(told.map((i) => [i.attempt, i.delayMs]), [[2, 375], [3, 625], [4, 3_000]]);
  assert.is(told[0].reason, first);
  assert.equal(fromCtx, told);
});

test("runAttempts: a retry that succeeded stays a success when the caller aborts as it answers", async () => {
  // The fault property's seed 742924903: a batch stopped right as a retried delete was
  // answered, and the call rejected as cancelled though the server had applied it.
  const controller = new AbortController();
  const ctx = context({ signal: controller.signal });
  let attempts = 0;
  const run = () => {
    attempts += 1;
    if (attempts === 1) return Promise.reject(api(503));
    ctx.result = "applied";
    controller.abort(new Error("stop"));
    return Promise.resolve();
  };
  await runAttempts(ctx, run, fakeClock().clock);
  assert.is(attempts, 2);
  assert.is(ctx.result, "applied");
});

test("runAttempts: the last attempt's own error, with attempts and earlier errors", async () => {
  const ctx = context({ retry: { retries: 2 } });
  const errors = [new LosantNetworkError("a"), api(502), api(503)];
  const { run, seen } = scripted(ctx, [...errors]);
  try {
    await runAttempts(ctx, run, fakeClock().clock);
    assert.unreachable();
  } catch (error) {
    assert.is(error, errors[2]);
    assert.instance(error, LosantApiError);
    assert.is((error as LosantApiError).attempts, 3);
    assert.equal((error as LosantApiError).previousErrors, errors.slice(0, 2));
  }
  assert.equal(seen, [1, 2, 3]);
});

test("runAttempts: each non-retryable status fails after exactly one attempt", async () => {
  for (const status of [400, 401, 403, 404, 409, 422]) {
    const ctx = context();
    const { clock, sleeps } = fakeClock();
    const { run, seen } = scripted(ctx, [api(status)]);
    try {
      await runAttempts(ctx, run, clock);
      assert.unreachable();
    } catch (error) {
      assert.is((error as LosantApiError).statusCode, status);
      assert.is((error as LosantApiError).attempts, 1);
    }
    assert.equal(seen, [1], `${status}`);
    assert.equal(sleeps, []);
  }
});

test("runAttempts: retry false makes one attempt; retries 0 too", async () => {
  for (const retry of [false, { retries: 0 }] as (RetryOptions | false)[]) {
    const ctx = context({ retry });
    const { run, seen } = scripted(ctx, [api(503)]);
    await runAttempts(ctx, run, fakeClock().clock).then(() => assert.unreachable(), () => {});
    assert.equal(seen, [1]);
  }
});

test("runAttempts: a Retry-After beyond maxRetryAfter fails at once with retryAt", async () => {
  const ctx = context({ retry: { maxRetryAfter: 10_000 } });
  const { clock, sleeps } = fakeClock(5_000);
  const source = api(429, "11");
  const { run, seen } = scripted(ctx, [source]);
  try {
    await runAttempts(ctx, run, clock);
    assert.unreachable();
  } catch (error) {
    assert.instance(error, LosantRetryAfterError);
    assert.instance(error, LosantApiError);
    assert.is((error as LosantRetryAfterError).retryAt.getTime(), 16_000);
    assert.is((error as LosantRetryAfterError).cause, source);
    assert.is((error as LosantRetryAfterError).attempts, 1);
  }
  assert.equal(seen, [1]);
  assert.equal(sleeps, []);
});

test("runAttempts: the deadline ends retries with the last error instead of waiting", async () => {
  const { clock, sleeps } = fakeClock(0, 0);
  const ctx = context({ deadline: 1_000 });
  const last = api(429, "2");
  const { run, seen } = scripted(ctx, [api(503), last]);
  await runAttempts(ctx, run, clock).then(
    () => assert.unreachable(),
    (error) => assert.is(error, last),
  );
  assert.equal(seen, [1, 2]);
  assert.equal(sleeps, [250]);
});

test("runAttempts: a delete that meets 404 after an unknown outcome took effect", async () => {
  for (
    const unknown of [new LosantNetworkError("reset"), new LosantTimeoutError("t", 5), api(500)]
  ) {
    const ctx = context({ method: "DELETE", action: "deleteToken" });
    const { run } = scripted(ctx, [unknown, api(404)]);
    await runAttempts(ctx, run, fakeClock().clock, deleteTokenAction.outcomeGuard);
    assert.equal(ctx.result, { success: true, alreadyDeleted: true });
  }
});

test("runAttempts: a delete's 404 stays an error on the first attempt and after a 429", async () => {
  for (const errors of [[api(404)], [api(429), api(404)]]) {
    const ctx = context({ method: "DELETE", action: "deleteToken" });
    const last = errors.at(-1);
    const { run } = scripted(ctx, errors);
    await runAttempts(ctx, run, fakeClock().clock, deleteTokenAction.outcomeGuard).then(
      () => assert.unreachable(),
      (e) => assert.is(e, last),
    );
  }
  // A GET's 404 after a reset is the answer, not a success.
  const ctx = context();
  const { run } = scripted(ctx, [new LosantNetworkError("x"), api(404)]);
  await runAttempts(ctx, run, fakeClock().clock).then(() => assert.unreachable(), (e) => {
    assert.is((e as LosantApiError).statusCode, 404);
  });
});

test("runAttempts: an abort during the backoff rejects with signal.reason itself", async () => {
  const controller = new AbortController();
  const reason = { why: "operator stopped the job" };
  const ctx = context({ signal: controller.signal });
  let sleeping!: () => void;
  const started = new Promise<void>((r) => (sleeping = r));
  const clock: RetryClock = {
    now: () => 0,
    random: () => 0,
    sleep: (ms, signal) => {
      sleeping();
      return abortableSleep(ms * 1_000, signal);
    },
  };
  const { run, seen } = scripted(ctx, [api(503)]);
  const call = runAttempts(ctx, run, clock);
  await started;
  controller.abort(reason);
  await call.then(() => assert.unreachable(), (error) => assert.is(error, reason));
  assert.equal(seen, [1]);
});

test("runAttempts: an abort that fails the attempt rejects with the reason, even a non-Error", async () => {
  const controller = new AbortController();
  const ctx = context({ signal: controller.signal });
  const run = () => {
    controller.abort("stop");
    return Promise.reject(controller.signal.reason);
  };
  await runAttempts(ctx, run, fakeClock().clock).then(
    () => assert.unreachable(),
    (e) => assert.is(e, "stop"),
  );
});

test("runAttempts: a middleware's non-Error throw comes back unchanged", async () => {
  const thrown = { code: 42 };
  const ctx = context();
  await runAttempts(ctx, () => Promise.reject(thrown), fakeClock().clock).then(
    () => assert.unreachable(),
    (e) => assert.is(e, thrown),
  );
});

test("abortableSleep: rejects with the reason at once and resolves after the delay", async () => {
  const controller = new AbortController();
  const sleep = abortableSleep(60_000, controller.signal);
  controller.abort(reasonSymbol);
  await sleep.then(() => assert.unreachable(), (e) => assert.is(e, reasonSymbol));
  await abortableSleep(60_000, controller.signal).then(
    () => assert.unreachable(),
    (e) => assert.is(e, reasonSymbol),
  );
  await abortableSleep(1);
  await abortableSleep(0);
});
const reasonSymbol = Symbol("reason");

test.run();
