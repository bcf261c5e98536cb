/** Shared setup for the batch suites: a fake Losant, a client, and log arithmetic. */
import { type Client, createClient, onRequestEvent } from "../mod.ts";
import { createFakeClock, type FakeClock } from "./support/fake-clock.ts";
import { type FakeLosant, type RequestLogEntry, startFakeLosant } from "../src/testing/mod.ts";

export interface Fixture {
  server: FakeLosant;
  client: Client;
  accessToken: string;
  accessTokenId: string;
}

/** A server with `instances` empty instances and a client with fast retries. */
export async function fixture(instances: number, tokensPerInstance = 0): Promise<Fixture> {
  const server = await startFakeLosant({ seed: { instances, tokensPerInstance } });
  const issued = server.issueAccessToken(["all.Instance"]);
  const client = createClient({
    accessToken: issued.token,
    url: server.url,
    retry: { minTimeout: 5, maxTimeout: 20 },
  });
  return { server, client, accessToken: issued.token, accessTokenId: issued.apiTokenId };
}

/**
 * `fixture`'s server and a {@link fakeClockClient} sharing one fake clock: the server's rate
 * limits count their windows on it too, so nothing of the run depends on real seconds.
 */
export async function fakeClockFixture(
  instances: number,
  tokensPerInstance = 0,
): Promise<{ server: FakeLosant; accessToken: string } & FakeClockClient> {
  const clock = createFakeClock();
  const server = await startFakeLosant({ seed: { instances, tokensPerInstance }, clock });
  const accessToken = server.issueAccessToken(["all.Instance"]).token;
  return { server, accessToken, ...fakeClockClient(server, accessToken, clock) };
}

/** Creates `n` tokens named `${prefix}${i}` and returns their ids. */
export function createTokens(
  server: FakeLosant,
  instanceId: string,
  n: number,
  prefix = "tok-",
): string[] {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    ids.push(server.store.createToken(instanceId, { name: `${prefix}${i}` }).id);
  }
  return ids;
}

/** Items for every token of the instances, interleaved across instances. */
export function itemsOf(
  server: FakeLosant,
  instanceIds: readonly string[],
): { instanceId: string; apiTokenId: string }[] {
  const lists = instanceIds.map((instanceId) =>
    server.store.listTokens(instanceId).map((t) => ({ instanceId, apiTokenId: t.id }))
  );
  const items: { instanceId: string; apiTokenId: string }[] = [];
  for (let i = 0; lists.some((l) => i < l.length); i++) {
    for (const list of lists) if (i < list.length) items.push(list[i]!);
  }
  return items;
}

/** The most requests in flight at once, a request counting from arrival to response end. */
export function maxInFlight(entries: readonly RequestLogEntry[]): number {
  const points: [number, number][] = [];
  for (const e of entries) {
    points.push([e.startedAt, 1]);
    points.push([e.endedAt ?? Infinity, -1]);
  }
  // At equal times an end comes before a start: a slot freed and reused is not overlap.
  points.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let max = 0;
  for (const [, delta] of points) {
    now += delta;
    max = Math.max(max, now);
  }
  return max;
}

/** Resolves on the first value `check` accepts. */
export function when<T>(
  subscribe: (next: (value: T) => void) => void,
  check: (value: T) => boolean,
): Promise<T> {
  return new Promise((resolve) => subscribe((value) => check(value) && resolve(value)));
}

/** A client on a fake clock, and what it sent when, in the clock's time. */
export interface FakeClockClient {
  client: Client;
  clock: FakeClock;
  /** Attempts on the wire now (request events minus their response/error). */
  inFlight(): number;
  /** Per instance, the fake time of each attempt's start. */
  sent: Map<string, number[]>;
  /** Fake time of each attempt answered with this status. */
  answered(status: number): { instanceId: string; at: number }[];
}

/**
 * A client of `fixture`'s server whose every wait (retries, pacing, pauses) runs on a fake
 * clock; run jobs with `drive(clock, job, inFlight)`. No per-attempt timeout: real sockets
 * take real time, which the fake clock must not count.
 */
export function fakeClockClient(
  server: FakeLosant,
  accessToken: string,
  clock: FakeClock = createFakeClock(),
): FakeClockClient {
  const client = createClient({
    accessToken,
    url: server.url,
    retry: { minTimeout: 5, maxTimeout: 20 },
    timeout: 0,
    clock,
  });
  const sent = new Map<string, number[]>();
  const statuses: { instanceId: string; at: number; status?: number }[] = [];
  let open = 0;
  onRequestEvent(client, (e) => {
    if (e.type === "request") {
      open++;
      let list = sent.get(e.instanceId);
      if (list === undefined) sent.set(e.instanceId, list = []);
      list.push(clock.now());
    } else if (e.type === "response" || e.type === "error") {
      open--;
      statuses.push({ instanceId: e.instanceId, at: clock.now(), status: e.status });
    }
  });
  return {
    client,
    clock,
    inFlight: () => open,
    sent,
    answered: (status) => statuses.filter((s) => s.status === status),
  };
}
