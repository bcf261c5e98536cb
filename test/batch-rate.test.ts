/**
 * Adaptive pacing end to end: a batch against the embedded server's rate limiter, both on
 * one fake clock (the server's windows and the client's pacing, holds and retries), so the
 * figures below are counts in fake seconds, not timings. Bounds are looser than the bench's
 * goals (bench/batch-rate.ts): these runs are short, the bench's are 30 s per instance.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { type Client, createClient, onRequestEvent } from "../mod.ts";
import { deleteTokens } from "../src/batch/mod.ts";
import { type FakeLosant, startFakeLosant } from "../src/testing/mod.ts";
import { createFakeClock, drive, type FakeClock } from "./support/fake-clock.ts";
import { itemsOf } from "./batch-fixture.ts";

interface Setup {
  server: FakeLosant;
  client: Client;
  clock: FakeClock;
  inFlight(): number;
  /** Per instance, each attempt's answer: fake time and status. */
  answers: Map<string, { at: number; status: number | undefined }[]>;
}

/** A server and a client on one fake clock, `tokens` tokens in each of `instances`. */
async function setup(instances: number, tokens: number): Promise<Setup> {
  const clock = createFakeClock();
  const server = await startFakeLosant({ seed: { instances, tokensPerInstance: tokens }, clock });
  const { token } = server.issueAccessToken(["all.Instance"]);
  const client = createClient({
    accessToken: token,
    url: server.url,
    retry: { minTimeout: 5, maxTimeout: 20, retries: 8 },
    timeout: 0,
    clock,
  });
  const answers = new Map<string, { at: number; status: number | undefined }[]>();
  let open = 0;
  onRequestEvent(client, (e) => {
    if (e.type === "request") open++;
    if (e.type !== "response" && e.type !== "error") return;
    open--;
    let list = answers.get(e.instanceId);
    if (list === undefined) answers.set(e.instanceId, list = []);
    list.push({ at: clock.now(), status: e.status });
  });
  return { server, client, clock, inFlight: () => open, answers };
}

/** Successes per second over [from, to) (fake ms), and the share of answers that were 429. */
function figures(
  answers: readonly { at: number; status: number | undefined }[],
  from = -Infinity,
  to = Infinity,
): { okPerSecond: number; share429: number } {
  const within = answers.filter((a) => a.at >= from && a.at < to);
  const ok = within.filter((a) => a.status === 200).length;
  const first = Math.max(from, within[0]?.at ?? 0);
  const last = Math.min(to, within.at(-1)?.at ?? 0);
  return {
    okPerSecond: last > first ? (ok * 1000) / (last - first) : Infinity,
    share429: within.length === 0 ? 0 : within.filter((a) => a.status === 429).length /
      within.length,
  };
}

for (
  const kind of [
    { name: "a fixed one-second window with Retry-After", kind: "fixed-window", hint: "header" },
    { name: "GCRA with a burst, the wait only in the message", kind: "gcra", hint: "message" },
  ] as const
) {
  test(`not told, against ${kind.name}: few 429s, most of the limit used`, async () => {
    const { server, client, clock, inFlight, answers } = await setup(1, 400);
    try {
      const limit = 20;
      const limiter = server.faults.rateLimit({
        perSecond: limit,
        burst: 5,
        kind: kind.kind,
        retryHint: kind.hint,
      });
      const started = clock.now();
      const report = await drive(
        clock,
        deleteTokens(client, itemsOf(server, server.instanceIds), {
          concurrency: 8,
          perInstanceConcurrency: 4,
        }),
        inFlight,
      );
      assert.is(report.succeeded, 400, JSON.stringify(report.failures.slice(0, 2)));
      const seconds = (clock.now() - started) / 1000;
      const [id] = server.instanceIds as [string];
      const { share429 } = figures(answers.get(id)!);
      const ratio = report.succeeded / seconds / limit;
      assert.is(report.throttled, limiter.used, "the report counts every 429");
      assert.ok(limiter.used > 0, "the limit was hit");
      // 400 requests: the first unpaced wave (4) and a probe every ~2.5 s weigh far more here
      // than over the bench's 30 s at 100/s (≤ 2%); the probes that find a restored limit fast
      // cost ~3 more 429s here than CUBIC's slow convex side did (3.4–3.6% vs 2.9%).
      assert.ok(share429 <= 0.04, `${(100 * share429).toFixed(2)}% answered 429`);
      assert.ok(ratio >= 0.85, `rate ÷ limit ${ratio.toFixed(3)} over ${seconds} s`);
    } finally {
      await server.close();
    }
  });
}

test("told the limit: paced at it, no 429 from a fixed window", async () => {
  const { server, client, clock, inFlight } = await setup(1, 200);
  try {
    const limiter = server.faults.rateLimit({ perSecond: 20 });
    const started = clock.now();
    const report = await drive(
      clock,
      deleteTokens(client, itemsOf(server, server.instanceIds), { ratePerInstance: 20 }),
      inFlight,
    );
    const seconds = (clock.now() - started) / 1000;
    assert.is(report.succeeded, 200);
    assert.is(limiter.used, 0, "no 429");
    assert.is(report.throttled, 0);
    assert.ok(200 / seconds / 20 >= 0.95, `rate ÷ limit ${(200 / seconds / 20).toFixed(3)}`);
  } finally {
    await server.close();
  }
});

test("told too high: still backs off on 429s, and stays near the real limit", async () => {
  const { server, client, clock, inFlight, answers } = await setup(1, 300);
  try {
    const limiter = server.faults.rateLimit({ perSecond: 20, kind: "gcra", burst: 5 });
    const report = await drive(
      clock,
      deleteTokens(client, itemsOf(server, server.instanceIds), { ratePerInstance: 40 }),
      inFlight,
    );
    assert.is(report.succeeded, 300);
    const { share429 } = figures(answers.get(server.instanceIds[0]!)!);
    assert.ok(limiter.used > 0);
    assert.ok(
      share429 <= 0.05,
      `${(100 * share429).toFixed(2)}% answered 429 (told 2 × the limit)`,
    );
  } finally {
    await server.close();
  }
});

test("two instances, one limited hard: the other is never slowed", async () => {
  const { server, client, clock, inFlight, answers } = await setup(2, 150);
  try {
    const [a, b] = server.instanceIds as [string, string];
    const limitA = server.faults.rateLimit({
      perSecond: 10,
      instanceId: a,
      kind: "gcra",
      burst: 2,
    });
    const progress: { pacing: { instanceId: string }[]; throttledByInstance: object }[] = [];
    const started = clock.now();
    const report = await drive(
      clock,
      deleteTokens(client, itemsOf(server, [a, b]), {
        concurrency: 8,
        perInstanceConcurrency: 4,
        onProgress: (p) => progress.push(p),
      }),
      inFlight,
    );
    assert.is(report.succeeded, 300);
    const toB = answers.get(b)!;
    assert.is(toB.filter((x) => x.status === 429).length, 0);
    // Unpaced: B's 150 deletes take no fake time at all, while A's take ~15 s.
    assert.is(toB.at(-1)!.at, started, "B finished without waiting on the clock");
    assert.ok(answers.get(a)!.at(-1)!.at - started >= 13_000, "A was paced at its limit");
    const paced = new Set(progress.flatMap((p) => p.pacing.map((x) => x.instanceId)));
    assert.equal([...paced], [a], "only A was ever paced");
    assert.ok(limitA.used > 0);
    assert.equal(report.throttledByInstance, { [a]: limitA.used }, "the report: A's 429s, A only");
    assert.equal(report.throttled, limitA.used);
    assert.equal(progress.at(-1)!.throttledByInstance, { [a]: limitA.used }, "and progress");
  } finally {
    await server.close();
  }
});

test("the limit halved, then restored: the rate follows both ways within a few seconds", async () => {
  const { server, client, clock, inFlight, answers } = await setup(1, 1200);
  try {
    const handle = server.faults.rateLimit({ perSecond: 40, kind: "gcra", burst: 5 });
    const t0 = clock.now();
    clock.setTimer(() => handle.setLimit({ perSecond: 20, burst: 5 }), 10_000);
    clock.setTimer(() => handle.setLimit({ perSecond: 40, burst: 5 }), 20_000);
    const report = await drive(
      clock,
      deleteTokens(client, itemsOf(server, server.instanceIds), { concurrency: 4 }),
      inFlight,
    );
    assert.is(report.succeeded, 1200);
    const list = answers.get(server.instanceIds[0]!)!;
    const before = figures(list, t0 + 5_000, t0 + 10_000);
    const halved = figures(list, t0 + 13_000, t0 + 20_000);
    const restored = figures(list, t0 + 25_000, t0 + 30_000);
    assert.ok(before.okPerSecond >= 0.85 * 40, `before: ${before.okPerSecond}/s of 40`);
    assert.ok(halved.okPerSecond >= 0.85 * 20, `halved: ${halved.okPerSecond}/s of 20`);
    assert.ok(halved.okPerSecond <= 20.5, `halved: ${halved.okPerSecond}/s of 20`);
    assert.ok(halved.share429 <= 0.03, `halved: ${(100 * halved.share429).toFixed(2)}% 429`);
    assert.ok(restored.okPerSecond >= 0.85 * 40, `restored: ${restored.okPerSecond}/s of 40`);
  } finally {
    await server.close();
  }
});

test("an abort while paced cancels every waiting item at once", async () => {
  const { server, client, clock, inFlight } = await setup(1, 100);
  try {
    // A 429 whose message names 30 s: the controller holds the instance 29 s.
    server.faults.add({ action: "delete", status: 429, retryIn: 30 });
    const controller = new AbortController();
    const job = deleteTokens(client, itemsOf(server, server.instanceIds), {
      ratePerInstance: 5,
      signal: controller.signal,
    });
    clock.setTimer(() => controller.abort(), 3_000);
    const t0 = clock.now();
    const report = await drive(clock, job, inFlight);
    assert.is(clock.now() - t0, 3_000, "the job ended at the abort, not at the hold's end");
    assert.is(report.stopped?.type, "Aborted");
    assert.is(report.throttled, 1);
    assert.is(report.succeeded, 0, "held from the first 429 on");
    assert.is(report.cancelled, 100);
  } finally {
    await server.close();
  }
});

test.run();
