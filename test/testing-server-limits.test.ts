/**
 * The embedded server's per-instance rate limits on a fake clock: the fixed one-second
 * window and GCRA (rate + burst) as exact sequences, Losant-style message-only 429s versus a
 * Retry-After header, changing the limit while running, and an end-to-end run of retried
 * calls against the limit with client and server on the same fake clock.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createClient, getToken, onRequestEvent } from "../mod.ts";
import { fixedWindowLimiter, gcraLimiter, startFakeLosant } from "../src/testing/mod.ts";
import { createFakeClock, drive } from "./support/fake-clock.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

/** Runs `admit` at each time (ms) and writes each answer as "ok" or the wait in ms. */
function sequence(
  make: typeof gcraLimiter,
  limit: { perSecond: number; burst?: number },
  times: number[],
): Array<"ok" | number> {
  let t = 0;
  const limiter = make(limit, () => t);
  return times.map((at) => {
    t = at;
    const refused = limiter.admit("a");
    return refused ? Math.round(refused.retryInMs) : "ok";
  });
}

test("GCRA: a burst at once, then one per interval; the wait is exact", () => {
  // 10/s (one per 100 ms), burst 3.
  assert.equal(
    sequence(gcraLimiter, { perSecond: 10, burst: 3 }, [0, 0, 0, 0, 50, 100, 100, 350, 350, 350]),
    ["ok", "ok", "ok", 100, 50, "ok", 100, "ok", "ok", 50],
  );
  // A burst of 1 is a steady rate.
  assert.equal(sequence(gcraLimiter, { perSecond: 2 }, [0, 100, 500, 999, 1000]), [
    "ok",
    400,
    "ok",
    1,
    "ok",
  ]);
});

test("fixed window: perSecond per window from its first request; the wait runs to its end", () => {
  assert.equal(
    sequence(fixedWindowLimiter, { perSecond: 2 }, [0, 10, 20, 999, 1000, 1001, 1002, 2500]),
    ["ok", "ok", 980, 1, "ok", "ok", 998, "ok"],
  );
});

test("setLimit changes the limit from the next request, per instance, on both kinds", () => {
  let t = 0;
  const gcra = gcraLimiter({ perSecond: 10, burst: 1 }, () => t);
  assert.is(gcra.admit("a"), undefined);
  t = 100;
  assert.is(gcra.admit("a"), undefined);
  gcra.setLimit({ perSecond: 5, burst: 1 });
  t = 300;
  assert.is(gcra.admit("a"), undefined, "the old interval had passed");
  t = 400;
  assert.equal(gcra.admit("a"), { retryInMs: 100 }, "halved: 200 ms apart now");
  assert.is(gcra.admit("b"), undefined, "another key has its own allowance");
  // Raised, a debt is kept in requests: what the old limit admitted, the new one admits too.
  t = 0;
  const raised = gcraLimiter({ perSecond: 50, burst: 10 }, () => t);
  for (let i = 0; i < 8; i++) assert.is(raised.admit("a"), undefined, `burst ${i}`);
  t = 10; // debt: TAT 160 − 10 = 150 ms = 7.5 requests at 50/s; tolerance 180 ms
  raised.setLimit({ perSecond: 100, burst: 10 }); // 75 ms at 100/s; tolerance 90 ms
  assert.is(raised.admit("a"), undefined, "admitted after the raise, as before it");
  assert.is(raised.admit("a"), undefined, "85 ms of debt: still within 90");
  assert.equal(raised.admit("a"), { retryInMs: 5 }, "95 ms: 5 ms early");
  const fixed = fixedWindowLimiter({ perSecond: 1 }, () => t);
  assert.is(fixed.admit("a"), undefined);
  assert.ok(fixed.admit("a"));
  fixed.setLimit({ perSecond: 3 });
  assert.is(fixed.admit("a"), undefined, "the raised limit applies within the same window");
});

test("over HTTP on a fake clock: Losant-style 429s for GCRA, Retry-After for a window, per instance", async () => {
  const clock = createFakeClock();
  const server = await startFakeLosant({ clock, seed: { instances: 2, tokensPerInstance: 2 } });
  try {
    const [a, b] = server.instanceIds as [string, string];
    const { token } = server.issueAccessToken(["all.Instance"]);
    const list = async (
      id: string,
    ): Promise<{ status: number; body: Json; retryAfter: string | null }> => {
      const res = await fetch(`${server.url}/instances/${id}/tokens?perPage=1`, {
        headers: { authorization: `Bearer ${token}` },
      });
      return {
        status: res.status,
        body: await res.json(),
        retryAfter: res.headers.get("retry-after"),
      };
    };
    const limit = server.faults.rateLimit({ kind: "gcra", perSecond: 0.5, burst: 2 });
    assert.equal([(await list(a)).status, (await list(a)).status], [200, 200]);
    const refused = await list(a);
    assert.is(refused.status, 429);
    assert.equal(refused.body, {
      type: "TooManyRequestsError",
      message: "Over rate limit, request throttled. Retry in 2 seconds",
    });
    assert.is(refused.retryAfter, null, "Losant sends no Retry-After");
    assert.is((await list(b)).status, 200, "instance B has its own allowance");
    await clock.advance(1_500);
    const rounded = await list(a);
    assert.is(
      rounded.body.message,
      "Over rate limit, request throttled. Retry in 0 seconds",
      "rounded down",
    );
    await clock.advance(500);
    assert.is((await list(a)).status, 200);
    assert.is(limit.used, 2);
    assert.is(limit.admitted, 4);
    limit.remove();

    const window = server.faults.rateLimit({ instanceId: b, perSecond: 1 });
    assert.is((await list(b)).status, 200);
    const header = await list(b);
    assert.is(header.status, 429);
    assert.is(header.retryAfter, "1");
    assert.is(header.body.type, "TooManyRequestsError");
    window.setLimit({ perSecond: 3 });
    assert.is((await list(b)).status, 200, "raised while running");
    window.remove();

    server.faults.rateLimit({ kind: "gcra", perSecond: 0.25, burst: 1, retryHint: "both" });
    await list(a);
    const both = await list(a);
    assert.is(both.retryAfter, "4");
    assert.match(both.body.message, /Retry in 4 seconds/);
  } finally {
    await server.close();
  }
});

test("end to end on one fake clock: calls retried on the client's clock are admitted at the GCRA rate", async () => {
  const clock = createFakeClock();
  const server = await startFakeLosant({ clock, seed: { instances: 1, tokensPerInstance: 12 } });
  try {
    const [instanceId] = server.instanceIds as [string];
    const limit = server.faults.rateLimit({
      kind: "gcra",
      perSecond: 2,
      burst: 4,
      retryHint: "header",
    });
    const { token } = server.issueAccessToken(["all.Instance"]);
    const client = createClient({
      accessToken: token,
      url: server.url,
      clock,
      // The fake clock jumps whenever no request is in flight on the server, which may be
      // while the client still reads an answer: no per-attempt timeout to fire then.
      timeout: 0,
      retry: { retries: 20 },
    });
    const ids = server.store.listTokens(instanceId).map((t) => t.id);
    const started = clock.now();
    // Busy while some call has an attempt out (sent, or on the wire, or being read): only a
    // call whose last event is a retry waits on the clock.
    const last = new Map<string, string>();
    const stop = onRequestEvent(client, (event) => void last.set(event.callId, event.type));
    const inFlight = (): boolean => [...last.values()].includes("request");
    const got = await drive(
      clock,
      Promise.all(ids.map((apiTokenId) => getToken(client, { instanceId, apiTokenId }))),
      inFlight,
    );
    stop();
    assert.equal(got.map((t) => t.id), ids, "every call succeeded");
    assert.is(limit.admitted, 12);
    assert.ok(limit.used > 0, "the limit was hit");
    // 12 calls at 2/s with a burst of 4: the last is admitted (12 - 4) / 2 = 4 s after the first.
    const admitted = server.requests.filter((r) => r.status === 200).map((r) => r.startedAt);
    assert.is(admitted.length, 12);
    assert.ok(clock.now() - started >= 4_000, `${clock.now() - started} ms of fake time`);
  } finally {
    await server.close();
  }
});

test.run();
