/**
 * watchTokens over real sockets against the embedded server: created / updated / deleted /
 * expiring / expired from changes made directly in the server's store, honest deletes while
 * another client deletes during a multi-page listing, share() → one poll loop (from the
 * server's request log), and unsubscribe → no timer, no open request.
 *
 * Time is injected (now / sleep) where it matters; the rest waits on events, never on sleeps.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawn } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import {
  filter,
  firstValueFrom,
  ReplaySubject,
  share,
  type Subscription,
  take,
  toArray,
} from "rxjs";
import { type Client, createClient, deleteToken, LosantApiError } from "../mod.ts";
import { forInstance, ofType, type WatchEvent, watchTokens } from "../src/events/mod.ts";
import { type FakeLosant, startFakeLosant } from "../src/testing/mod.ts";

const CHILD_FLAG = "LOSANT_TOKENS_WATCH_CHILD";

interface Setup {
  server: FakeLosant;
  client: Client;
  instanceId: string;
  accessToken: string;
}

async function setup(tokensPerInstance: number, instances = 1): Promise<Setup> {
  const server = await startFakeLosant({ seed: { instances, tokensPerInstance } });
  const { token: accessToken } = server.issueAccessToken(["all.Instance"]);
  const client = createClient({ accessToken, url: server.url, retry: false });
  return { server, client, instanceId: server.instanceIds[0], accessToken };
}

/** Records a stream; `next(pred)` resolves with the first matching event, past or future. */
function recorder(source: ReturnType<typeof watchTokens>) {
  const seen = new ReplaySubject<WatchEvent>();
  const events: WatchEvent[] = [];
  const subscription = source.subscribe({
    next: (e) => {
      events.push(e);
      seen.next(e);
    },
    error: (e) => seen.error(e),
  });
  const next = <T extends WatchEvent>(pred: (e: WatchEvent) => e is T): Promise<T> =>
    firstValueFrom(seen.pipe(filter(pred)));
  const several = <T extends WatchEvent>(
    pred: (e: WatchEvent) => e is T,
    n: number,
  ): Promise<T[]> => firstValueFrom(seen.pipe(filter(pred), take(n), toArray()));
  return { events, subscription, next, several };
}

const is =
  <K extends WatchEvent["type"]>(type: K, id?: string) =>
  (e: WatchEvent): e is Extract<WatchEvent, { type: K }> =>
    e.type === type && (id === undefined || ("apiTokenId" in e && e.apiTokenId === id));

/** A clock the test moves, and a sleep that returns only when the test says so. */
function manualTime(start: number) {
  let now = start;
  let calls = 0;
  const delays: number[] = [];
  let waiters: Array<{ n: number; resolve: () => void }> = [];
  let sleepers: Array<() => void> = [];
  return {
    now: () => now,
    set: (ms: number) => {
      now = ms;
    },
    delays,
    sleep: (ms: number, signal: AbortSignal): Promise<void> =>
      new Promise<void>((resolve) => {
        sleepers.push(resolve);
        signal.addEventListener("abort", () => resolve(), { once: true });
        calls += 1;
        delays.push(ms);
        waiters = waiters.filter((w) => (w.n <= calls ? (w.resolve(), false) : true));
      }),
    /** Resolves once the loop has gone to sleep `n` times in all (n polls done). */
    polls: (n: number): Promise<void> =>
      new Promise((resolve) => (calls >= n ? resolve() : waiters.push({ n, resolve }))),
    wake: () => {
      const wake = sleepers;
      sleepers = [];
      for (const resolve of wake) resolve();
    },
  };
}

/** Waits for a client-side condition (the server's own conditions use `server.waitFor`). */
async function until(cond: () => boolean, what: string, limitMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!cond()) {
    if (Date.now() - started > limitMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

const listRequests = (server: FakeLosant) => server.requests.filter((r) => r.action === "list");

if (process.env[CHILD_FLAG] === "1") {
  await runChild();
} else {
  test("baseline, then created, updated and deleted for changes made on the server", async () => {
    const s = await setup(8);
    try {
      const r = recorder(watchTokens(s.client, { instanceIds: [s.instanceId], intervalMs: 5 }));
      const baseline = await r.next(is("baseline"));
      assert.is(baseline.count, 8);
      assert.is(baseline.instanceId, s.instanceId);

      const made = s.server.store.createToken(s.instanceId, { name: "new-one" });
      const created = await r.next(is("created", made.id));
      assert.is(created.token.name, "new-one");
      assert.is(created.token.token, undefined, "lists never carry the secret");

      const target = s.server.store.listTokens(s.instanceId)[0];
      s.server.store.updateToken(s.instanceId, target.id, { name: "renamed", status: "inactive" });
      const updated = await r.next(is("updated", target.id));
      assert.equal([...updated.changes].sort(), ["name", "status"]);
      assert.is(updated.previous.name, target.name);
      assert.is(updated.token.name, "renamed");

      const victim = s.server.store.listTokens(s.instanceId)[1];
      s.server.store.deleteToken(s.instanceId, victim.id);
      const deleted = await r.next(is("deleted", victim.id));
      assert.is(deleted.previous.name, victim.name);
      r.subscription.unsubscribe();

      const summary = r.events.map((e) => e.type);
      assert.is(summary.filter((t) => t === "created").length, 1, summary.join());
      assert.is(summary.filter((t) => t === "deleted").length, 1, summary.join());
      assert.is(summary.filter((t) => t === "updated").length, 1, summary.join());
    } finally {
      await s.server.close();
    }
  });

  test("expiring once when the date enters the window, expired once when it passes; re-armed by a new date", async () => {
    const s = await setup(0);
    const T0 = Date.parse("2030-01-01T00:00:00.000Z");
    const MIN = 60_000;
    const at = (ms: number) => new Date(ms).toISOString();
    const { store } = s.server;
    const a = store.createToken(s.instanceId, { name: "a", expirationDate: at(T0 + 30 * MIN) });
    const b = store.createToken(s.instanceId, { name: "b", expirationDate: at(T0 - MIN) });
    const c = store.createToken(s.instanceId, { name: "c", expirationDate: at(T0 + 5 * MIN) });
    store.createToken(s.instanceId, { name: "d" });
    const clock = manualTime(T0);
    try {
      const r = recorder(watchTokens(s.client, {
        instanceIds: [s.instanceId],
        intervalMs: 1000,
        expiringWithinMs: 10 * MIN,
        now: clock.now,
        sleep: clock.sleep,
      }));
      const kinds = () => r.events.map((e) => `${e.type}${"token" in e ? `:${e.token.name}` : ""}`);

      await clock.polls(1);
      assert.is(kinds()[0], "baseline");
      // Listing order (by id) decides the order within one poll.
      assert.equal(
        kinds().slice(1).sort(),
        ["expired:b", "expiring:c"],
        "already inside the window",
      );
      const expiring = r.events.find(is("expiring"))!;
      assert.is(expiring.expiresInMs, 5 * MIN);
      assert.is(expiring.at, at(T0), "timestamps come from the injected clock");

      clock.set(T0 + 21 * MIN);
      clock.wake();
      await clock.polls(2);
      assert.equal(kinds().slice(3).sort(), ["expired:c", "expiring:a"]);

      clock.set(T0 + 22 * MIN);
      clock.wake();
      await clock.polls(3);
      assert.is(r.events.length, 5, "nothing twice");

      clock.set(T0 + 31 * MIN);
      clock.wake();
      await clock.polls(4);
      assert.equal(kinds().slice(5), ["expired:a"]);

      store.updateToken(s.instanceId, a.id, { expirationDate: at(T0 + 120 * MIN) });
      clock.wake();
      await clock.polls(5);
      const extended = r.events.at(-1)!;
      assert.ok(extended.type === "updated" && extended.apiTokenId === a.id, kinds().join());
      assert.equal((extended as Extract<WatchEvent, { type: "updated" }>).changes, [
        "expirationDate",
      ]);

      clock.set(T0 + 115 * MIN);
      clock.wake();
      await clock.polls(6);
      assert.equal(kinds().at(-1), "expiring:a", "a new date re-arms the events");
      assert.ok(clock.delays.every((d) => d === 1000), "intervalMs between polls");
      const aboutB = r.events.filter((e) => "apiTokenId" in e && e.apiTokenId === b.id);
      assert.equal(aboutB.map((e) => e.type), ["expired"], "an expired token is told once");
      assert.is(r.events.filter(is("expiring", c.id)).length, 1);
      r.subscription.unsubscribe();
    } finally {
      await s.server.close();
    }
  });

  test("no false deleted or created while another client deletes during multi-page listings", async () => {
    const s = await setup(40);
    // Every list page takes a few ms, so deletes land between the pages of one listing.
    s.server.faults.add({ action: "list", latencyMs: 3, times: Infinity });
    try {
      const r = recorder(
        watchTokens(s.client, { instanceIds: [s.instanceId], intervalMs: 1, perPage: 5 }),
      );
      await r.next(is("baseline"));
      const victims = s.server.store.listTokens(s.instanceId).filter((_, i) => i % 3 === 0).map((
        t,
      ) => t.id);
      const other = createClient({ accessToken: s.accessToken, url: s.server.url, retry: false });
      const pagesBefore = listRequests(s.server).length;
      for (const apiTokenId of victims) {
        await deleteToken(other, { instanceId: s.instanceId, apiTokenId });
        // Paced by the server's log so deletes interleave with listings, not by a timer.
        const seen = listRequests(s.server).length;
        await s.server.waitFor(() => listRequests(s.server).length > seen + 1);
      }
      await r.several(is("deleted"), victims.length);
      // One more full poll after the last delete was reported: nothing false may follow.
      const polled = listRequests(s.server).length;
      await s.server.waitFor(() => listRequests(s.server).length >= polled + 16);
      r.subscription.unsubscribe();

      const deleted = r.events.filter((e) => e.type === "deleted").map((e) =>
        (e as { apiTokenId: string }).apiTokenId
      );
      assert.equal(
        [...deleted].sort(),
        [...victims].sort(),
        "exactly the deleted tokens, once each",
      );
      assert.equal(r.events.filter((e) => e.type === "created"), [], "no false created");
      assert.ok(
        listRequests(s.server).length - pagesBefore > victims.length * 2,
        "listings ran meanwhile",
      );
    } finally {
      await s.server.close();
    }
  });

  test("share(): one poll loop for any number of subscribers, as the request log shows", async () => {
    const s = await setup(5, 2);
    try {
      const instanceIds = s.server.instanceIds;
      const cold$ = watchTokens(s.client, { instanceIds, intervalMs: 60_000 });
      const shared$ = cold$.pipe(share());
      const baselines = (source: typeof cold$) =>
        firstValueFrom(source.pipe(ofType("baseline"), take(2), toArray()));

      const three = await Promise.all([baselines(shared$), baselines(shared$), baselines(shared$)]);
      assert.equal(three.map((b) => b.length), [2, 2, 2]);
      assert.is(listRequests(s.server).length, 2, "one listing per instance for three subscribers");

      s.server.clearRequests();
      await Promise.all([baselines(cold$), baselines(cold$)]);
      assert.is(listRequests(s.server).length, 4, "without share(), each subscriber polls");

      const one = await firstValueFrom(
        shared$.pipe(forInstance(instanceIds[1].toUpperCase()), take(1)),
      );
      assert.is(one.instanceId, instanceIds[1]);
    } finally {
      await s.server.close();
    }
  });

  test("a transient failure is a pollError with backoff, then polling goes on", async () => {
    const s = await setup(3);
    const clock = manualTime(Date.now());
    try {
      const r = recorder(watchTokens(s.client, {
        instanceIds: [s.instanceId],
        intervalMs: 100,
        now: clock.now,
        sleep: clock.sleep,
      }));
      await clock.polls(1);
      s.server.faults.add({ action: "list", status: 503, times: 2 });
      clock.wake();
      await clock.polls(2);
      clock.wake();
      await clock.polls(3);
      const errors = r.events.filter((e) => e.type === "pollError");
      assert.equal(errors.map((e) => e.retryInMs), [100, 200], "backoff doubles");
      assert.equal(clock.delays, [100, 100, 200]);
      assert.instance(errors[0].error, LosantApiError);
      const made = s.server.store.createToken(s.instanceId, { name: "after-outage" });
      clock.wake();
      await clock.polls(4);
      assert.ok(r.events.some(is("created", made.id)), "still watching");
      assert.equal(clock.delays.at(-1), 100, "back to the interval after a success");
      r.subscription.unsubscribe();
    } finally {
      await s.server.close();
    }
  });

  test("403 and 401 error the stream", async () => {
    const s = await setup(3);
    try {
      const weak = createClient({
        accessToken: s.server.issueAccessToken(["instanceApiToken.get"]).token,
        url: s.server.url,
        retry: false,
      });
      const forbidden = await firstValueFrom(
        watchTokens(weak, { instanceIds: [s.instanceId], intervalMs: 5 }),
      )
        .then(() => undefined, (e) => e);
      assert.instance(forbidden, LosantApiError);
      assert.is((forbidden as LosantApiError).statusCode, 403);

      const issued = s.server.issueAccessToken(["all.Instance"]);
      const doomed = createClient({ accessToken: issued.token, url: s.server.url, retry: false });
      const events = firstValueFrom(
        watchTokens(doomed, { instanceIds: [s.instanceId], intervalMs: 5 }).pipe(toArray()),
      );
      await s.server.waitFor(() => listRequests(s.server).some((r) => r.status === 200));
      s.server.store.deleteToken(issued.instanceId, issued.apiTokenId);
      const unauthorized = await events.then(() => undefined, (e) => e);
      assert.is((unauthorized as LosantApiError).statusCode, 401);
    } finally {
      await s.server.close();
    }
  });

  test("unsubscribing aborts the request in flight", async () => {
    const s = await setup(3);
    try {
      s.server.faults.add({ action: "list", latencyMs: 5_000, times: 1 });
      const subscription: Subscription = watchTokens(s.client, {
        instanceIds: [s.instanceId],
        intervalMs: 5,
      })
        .subscribe({ error: (e) => assert.unreachable(String(e)) });
      await s.server.waitFor((log) => log.length === 1);
      const started = Date.now();
      subscription.unsubscribe();
      await s.server.idle();
      assert.ok(Date.now() - started < 4_000, "the connection closed before the server answered");
      assert.is(s.server.requests[0].status, undefined, "never answered: the client hung up");
    } finally {
      await s.server.close();
    }
  });

  test("after unsubscribe the process exits by itself: no timer, no socket left", async () => {
    const file = fileURLToPath(import.meta.url);
    const deno = (globalThis as { Deno?: unknown }).Deno !== undefined;
    const args = deno ? ["run", "-A", file] : [...process.execArgv, file];
    const child = spawn(process.execPath, args, {
      env: { ...process.env, [CHILD_FLAG]: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const code = await new Promise<number | string>((resolve) => {
      child.once("exit", (c) => resolve(c ?? "signal"));
      timer = setTimeout(() => {
        child.kill("SIGKILL");
        resolve("hung");
      }, 20_000);
    });
    clearTimeout(timer);
    assert.is(code, 0, output);
    assert.match(output, /unsubscribed with 1 request in flight/);
  });

  test.run();
}

/**
 * The child: one instance's loop asleep for a minute, the other's listing stuck on the
 * server; unsubscribe, close the server, and nothing else: a leaked timer or socket would
 * keep it running.
 */
async function runChild(): Promise<void> {
  const s = await setup(3, 2);
  const [idle, stuck] = s.server.instanceIds;
  s.server.faults.add({ action: "list", instanceId: stuck, latencyMs: 60_000, times: Infinity });
  const events: WatchEvent[] = [];
  const subscription = watchTokens(s.client, { instanceIds: [idle, stuck], intervalMs: 60_000 })
    .subscribe((e) => events.push(e));
  await until(() => events.some((e) => e.type === "baseline"), "the first baseline");
  await s.server.waitFor((log) => log.length === 2);
  const inFlight = s.server.requests.filter((r) => r.endedAt === undefined).length;
  subscription.unsubscribe();
  await s.server.idle();
  await s.server.close();
  console.log(`unsubscribed with ${inFlight} request in flight`);
}
