/**
 * Core events: onTokenEvent / onRequestEvent registries fed by the pipeline, over real
 * sockets against the embedded server, plus the hot Observables of `losant-tokens/events`.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { firstValueFrom, take, toArray } from "rxjs";
import {
  after,
  createClient,
  deleteToken,
  getToken,
  listTokensPage,
  LosantApiError,
  onRequestEvent,
  onTokenEvent,
  patchToken,
  REDACTED,
  type RequestEvent,
  type TokenEvent,
  use,
  withLogging,
} from "../mod.ts";
import { ofType, requestEvents, tokenEvents } from "../src/events/mod.ts";
import { coreOf } from "../src/client.ts";
import { requestRegistryOf } from "../src/listeners/on-request-event.ts";
import { tokenRegistryOf } from "../src/listeners/on-token-event.ts";
import { createTokenCache } from "../src/listeners/token-cache.ts";
import { type Fixture, startFixture } from "./support/fixture.ts";
import { createFakeClock } from "./support/fake-clock.ts";

let f: Fixture;
test.before.each(async () => {
  f = await startFixture();
});
test.after.each(() => f.server.close());

const isIso = (at: string): boolean => new Date(at).toISOString() === at;

function record<E>(
  subscribe: (listener: (e: E) => void) => () => void,
): { events: E[]; stop: () => void } {
  const events: E[] = [];
  const stop = subscribe((e) => events.push(e));
  return { events, stop };
}

test("get, patch, delete and list emit ordered token events with previous and changes", async () => {
  const { events, stop } = record<TokenEvent>((l) => onTokenEvent(f.client, l));
  const { instanceId, apiTokenId } = f;

  const page = await listTokensPage(f.client, { instanceId, perPage: 100 });
  const fetched = await getToken(f.client, { instanceId, apiTokenId });
  await patchToken(f.client, {
    instanceId,
    apiTokenId,
    apiToken: { name: "renamed", status: "inactive" },
  });
  await deleteToken(f.client, { instanceId, apiTokenId });
  stop();
  await getToken(f.client, { instanceId, apiTokenId: page.items[1].id }); // after stop: no event

  const types = events.map((e) => e.type);
  const listed = page.items.length;
  assert.equal(types, [...Array(listed).fill("fetched"), "fetched", "updated", "deleted"]);

  // The listing: one fetched per token, nothing seen before, so no previous.
  events.slice(0, listed).forEach((e, i) => {
    assert.is(e.apiTokenId, page.items[i].id);
    assert.is(e.instanceId, instanceId);
    assert.is(e.previous, undefined);
    assert.is(e.changes, undefined);
    assert.ok(isIso(e.at), e.at);
  });

  const [get, patch, del] = events.slice(listed);
  assert.is(get.apiTokenId, apiTokenId);
  assert.is(get.token?.name, fetched.name);
  assert.is(get.previous?.name, fetched.name, "previous comes from the listing");
  assert.equal(get.changes, []);

  assert.is(patch.token?.name, "renamed");
  assert.is(patch.previous?.name, fetched.name);
  assert.is(patch.previous?.status, "active");
  assert.equal([...patch.changes!].sort(), ["name", "status"], "lastUpdated is not a change");

  assert.is(del.token, undefined);
  assert.is(del.previous?.name, "renamed", "previous of a delete is the patched token");
  assert.is(del.alreadyDeleted, undefined);
  assert.ok(isIso(del.at));
  assert.not.equal(get.callId, patch.callId);
});

test("no extra request is made to fill previous; eventCache: 0 falls back to the patch's fields", async () => {
  const client = createClient({
    accessToken: f.accessToken,
    url: f.server.url,
    retry: false,
    eventCache: 0,
  });
  const { events, stop } = record<TokenEvent>((l) => onTokenEvent(client, l));
  const { instanceId, apiTokenId } = f;
  await getToken(client, { instanceId, apiTokenId });
  f.server.clearRequests();
  await patchToken(client, { instanceId, apiTokenId, apiToken: { description: "d" } });
  stop();
  assert.is(f.server.requests.length, 1, "only the patch went out");
  assert.is(events[1].type, "updated");
  assert.is(events[1].previous, undefined);
  assert.equal(events[1].changes, ["description"]);
});

test("every event is stamped with the client's clock, not the machine's", async () => {
  // A fake clock years away from the real one: a stamp from Date.now() cannot pass.
  const start = Date.parse("2031-02-03T04:05:06.789Z");
  const clock = createFakeClock(start);
  const client = f.clientWith(["all.Instance"], { clock });
  const stamps: string[] = [];
  const offRequest = onRequestEvent(client, (e) => stamps.push(`${e.type} ${e.at}`));
  const offToken = onTokenEvent(client, (e) => stamps.push(`${e.type} ${e.at}`));
  try {
    await getToken(client, { instanceId: f.instanceId, apiTokenId: f.apiTokenId });
  } finally {
    offRequest();
    offToken();
  }
  const at = new Date(start).toISOString();
  assert.equal(stamps, [`request ${at}`, `response ${at}`, `fetched ${at}`]);
});

test("the cache is an LRU of the configured size", () => {
  const cache = createTokenCache(2);
  const id = (n: number) => n.toString(16).padStart(24, "0");
  cache.set("i", id(1), { id: id(1) });
  cache.set("i", id(2), { id: id(2) });
  assert.ok(cache.get("I", id(1).toUpperCase()), "ids compare case-insensitively; 1 is now recent");
  cache.set("i", id(3), { id: id(3) });
  assert.is(cache.size, 2);
  assert.is(cache.get("i", id(2)), undefined, "the least recently used went");
  assert.ok(cache.get("i", id(1)));
  assert.is(createTokenCache(0).size, 0);
});

test("clients derived with use() share listeners both ways", async () => {
  const derived = use(f.client, after(() => {}));
  const onParent = record<TokenEvent>((l) => onTokenEvent(f.client, l));
  const onDerived = record<TokenEvent>((l) => onTokenEvent(derived, l));
  await getToken(derived, { instanceId: f.instanceId, apiTokenId: f.apiTokenId });
  await getToken(f.client, { instanceId: f.instanceId, apiTokenId: f.apiTokenId });
  assert.is(onParent.events.length, 2);
  assert.is(onDerived.events.length, 2);
  assert.ok(onDerived.events[1].previous, "the token cache is shared as well");
  onParent.stop();
  onDerived.stop();
  assert.is(tokenRegistryOf(coreOf(derived)).entries.size, 0);
});

test("a throwing or rejecting listener breaks neither the call nor the other listeners", async () => {
  const errors: unknown[] = [];
  const warnings: unknown[] = [];
  const noop = () => {};
  const logger = {
    debug: noop,
    info: noop,
    error: noop,
    warn: (record: unknown, message?: string) => {
      if (message === "event listener failed") warnings.push(record);
    },
  };
  const client = withLogging(
    createClient({
      accessToken: f.accessToken,
      url: f.server.url,
      retry: false,
    }),
    logger,
  );
  const boom = new Error("listener bug");
  const stops = [
    onTokenEvent(client, () => {
      throw boom;
    }, { onError: (error) => errors.push(error) }),
    onTokenEvent(client, () => Promise.reject(boom), { onError: (error) => errors.push(error) }),
    onTokenEvent(client, () => {
      throw boom;
    }), // no onError: goes to logger.warn
  ];
  const good = record<TokenEvent>((l) => onTokenEvent(client, l));
  const stopRequests = onRequestEvent(client, () => {
    throw boom;
  });
  const token = await getToken(client, { instanceId: f.instanceId, apiTokenId: f.apiTokenId });
  assert.is(token.id, f.apiTokenId);
  assert.is(good.events.length, 1, "the listener after the throwing ones still heard");
  await Promise.resolve(); // the rejection is caught one microtask later
  assert.equal(errors, [boom, boom]);
  assert.is(warnings.length, 3, "1 token + request and response events to logger.warn");
  for (const stop of [...stops, good.stop, stopRequests]) stop();
});

test("request events: request then response with status, duration and the sent x-request-id", async () => {
  const { events, stop } = record<RequestEvent>((l) => onRequestEvent(f.client, l));
  await getToken(f.client, { instanceId: f.instanceId, apiTokenId: f.apiTokenId });
  const missing = "0".repeat(24);
  await getToken(f.client, { instanceId: f.instanceId, apiTokenId: missing }).catch(() => {});
  stop();
  assert.equal(events.map((e) => e.type), ["request", "response", "request", "error"]);
  const [request, response, , error] = events;
  assert.is(request.action, "getToken");
  assert.is(request.method, "GET");
  assert.is(request.path, `/instances/${f.instanceId}/tokens/${f.apiTokenId}`);
  assert.is(request.attempt, 1);
  assert.is(response.status, 200);
  assert.ok(typeof response.durationMs === "number" && response.durationMs >= 0);
  assert.is(response.requestId, f.server.requests[0].requestId, "matches the server's log");
  assert.is(error.status, 404);
  assert.instance(error.error, LosantApiError);
  assert.is(error.apiTokenId, missing);
  const text = JSON.stringify(events);
  assert.not.ok(text.includes(f.accessToken), "no event carries the access token");
});

test("a retried attempt emits error, retry (with delay and the failed status), then request", async () => {
  const client = createClient({
    accessToken: f.accessToken,
    url: f.server.url,
    retry: { retries: 2, minTimeout: 1, maxTimeout: 1 },
  });
  f.server.faults.add({ action: "get", status: 503, times: 1 });
  const { events, stop } = record<RequestEvent>((l) => onRequestEvent(client, l));
  await getToken(client, { instanceId: f.instanceId, apiTokenId: f.apiTokenId });
  stop();
  assert.equal(
    events.map((e) => `${e.type}:${e.attempt}`),
    ["request:1", "error:1", "retry:2", "request:2", "response:2"],
  );
  const retry = events[2];
  assert.is(retry.status, 503);
  assert.is(retry.requestId, events[3].requestId);
  assert.ok(typeof retry.delayMs === "number");
});

test("a token secret is redacted in events unless the listener opts in", async () => {
  const secret = "eyJhbGciOiJIUzI1NiJ9.fake.secret";
  // A response that carries a secret, as a create's would: added after the transport.
  const client = use(
    f.client,
    after((ctx) => {
      (ctx.response!.body as Record<string, unknown>).token = secret;
    }),
  );
  const plain = record<TokenEvent>((l) => onTokenEvent(client, l));
  const opted = record<TokenEvent>((l) => onTokenEvent(client, l, { secrets: true }));
  const token = await getToken(client, { instanceId: f.instanceId, apiTokenId: f.apiTokenId });
  assert.is(token.token, secret, "the caller's result is untouched");
  assert.is(plain.events[0].token?.token, REDACTED);
  assert.is(opted.events[0].token?.token, secret);
  await getToken(client, { instanceId: f.instanceId, apiTokenId: f.apiTokenId });
  assert.is(plain.events[1].previous?.token, REDACTED, "previous is redacted too");
  assert.ok(Object.isFrozen(plain.events[1]) && Object.isFrozen(plain.events[1].token));
  plain.stop();
  opted.stop();
});

test("with no listener, the stages keep nothing", async () => {
  await getToken(f.client, { instanceId: f.instanceId, apiTokenId: f.apiTokenId });
  const shared = coreOf(f.client).shared;
  assert.is(shared.tokenCache, undefined, "no cache was made");
});

test("tokenEvents and requestEvents are hot and multicast: one listener for all subscribers", async () => {
  const core = coreOf(f.client);
  const tokens$ = tokenEvents(f.client);
  const first = firstValueFrom(tokens$.pipe(ofType("fetched")));
  const two = firstValueFrom(tokens$.pipe(take(2), toArray()));
  const responses = firstValueFrom(requestEvents(f.client).pipe(ofType("response")));
  assert.is(tokenRegistryOf(core).entries.size, 1, "share(): one registry listener");
  assert.is(requestRegistryOf(core).entries.size, 1);

  await getToken(f.client, { instanceId: f.instanceId, apiTokenId: f.apiTokenId });
  await patchToken(f.client, {
    instanceId: f.instanceId,
    apiTokenId: f.apiTokenId,
    apiToken: { name: "x" },
  });
  assert.is((await first).type, "fetched");
  assert.equal((await two).map((e) => e.type), ["fetched", "updated"]);
  assert.is((await responses).status, 200);
  assert.is(tokenRegistryOf(core).entries.size, 0, "the last unsubscribe removed the listener");
  assert.is(requestRegistryOf(core).entries.size, 0);
});

test.run();
