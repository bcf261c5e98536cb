/** Shared setup for the batch suites: a fake Losant, a client, and log arithmetic. */
import { type Client, createClient } from "../mod.ts";
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
