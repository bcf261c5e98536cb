import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  ACTION_SCOPES,
  createStore,
  type FakeLosant,
  type RouteKind,
  seedStore,
  startFakeLosant,
} from "../src/testing/mod.ts";

// Captured before any server starts: starting one must leave these identical.
const OriginalRequest = globalThis.Request;
const OriginalResponse = globalThis.Response;

let server: FakeLosant;
let admin: string;
let instanceA: string;
let instanceB: string;

// Assertions read arbitrary response fields; uvu checks them at runtime.
// deno-lint-ignore no-explicit-any
type Json = any;

interface CallOptions {
  method?: string;
  token?: string | null;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

function call(path: string, options: CallOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { accept: "application/json", ...options.headers };
  const token = options.token === undefined ? admin : options.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers["content-type"] = "application/json";
  return fetch(`${server.url}${path}`, { method: options.method ?? "GET", headers, body });
}

async function callJson(
  path: string,
  options: CallOptions = {},
): Promise<{ status: number; body: Json; res: Response }> {
  const res = await call(path, options);
  return { status: res.status, body: await res.json(), res };
}

async function rejects(run: () => Promise<unknown>, message: string): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  assert.unreachable(message);
}

const tokensPath = (instanceId: string): string => `/instances/${instanceId}/tokens`;
const tokenPath = (instanceId: string, tokenId: string): string =>
  `/instances/${instanceId}/tokens/${tokenId}`;
const firstToken = (instanceId: string): string => server.store.listTokens(instanceId)[0]!.id;
const freshToken = (instanceId: string, name = "scratch"): string =>
  server.store.createToken(instanceId, { name, scope: ["all.Instance.read"] }).id;

test.before(async () => {
  server = await startFakeLosant({ seed: { instances: 3, tokensPerInstance: 50, random: 7 } });
  admin = server.issueAccessToken(["all.Instance"]).token;
  [instanceA, instanceB] = server.instanceIds as [string, string];
});

test.before.each(() => {
  server.faults.clear();
});

test.after(async () => {
  await server.close();
});

test("starting a server leaves the global Request and Response untouched", async () => {
  const other = await startFakeLosant({ seed: false });
  try {
    assert.is(globalThis.Request, OriginalRequest);
    assert.is(globalThis.Response, OriginalResponse);
    assert.match(other.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(other.instanceIds, []);
  } finally {
    await other.close();
  }
});

test("seeding is deterministic and realistic", async () => {
  assert.is(server.instanceIds.length, 3);
  const twin = await startFakeLosant({ seed: { instances: 3, tokensPerInstance: 50, random: 7 } });
  try {
    assert.equal(twin.instanceIds, server.instanceIds);
    const names = (s: FakeLosant): string[] =>
      s.store.listTokens(s.instanceIds[0]!).map((t) => t.name);
    assert.equal(names(twin), names(server));
  } finally {
    await twin.close();
  }
  const tokens = server.instanceIds.flatMap((id) => server.store.listTokens(id));
  assert.is(tokens.length, 150);
  const now = Date.now();
  assert.ok(tokens.some((t) => t.status === "inactive"));
  assert.ok(tokens.some((t) => t.status === "active"));
  assert.ok(tokens.some((t) => t.expirationDate === undefined));
  assert.ok(
    tokens.some((t) => t.expirationDate !== undefined && Date.parse(t.expirationDate) < now),
  );
  assert.ok(
    tokens.some((t) =>
      t.expirationDate !== undefined && Date.parse(t.expirationDate) > now + 30 * 86_400_000
    ),
  );
  assert.ok(
    tokens.every((t) =>
      /^[a-f\d]{24}$/.test(t.id) && t.apiTokenId === t.id && t.token.startsWith("eyJ")
    ),
  );
  assert.is(new Set(tokens.map((t) => t.token)).size, tokens.length);

  // How fast seeding is belongs to bench/, not to an assertion on a loaded machine.
  const big = createStore();
  const ids = seedStore(big, { instances: 10, tokensPerInstance: 1000 });
  assert.is(ids.length, 10);
  assert.is(big.listTokens(ids[9]!).length, 1000);
});

test("store: direct updates bump lastUpdated; snapshots are deep copies", () => {
  const id = freshToken(instanceA);
  const before = server.store.getToken(instanceA, id)!;
  const snapshot = server.store.snapshot();
  const updated = server.store.updateToken(instanceA, id, { name: "renamed" })!;
  assert.is(updated.name, "renamed");
  assert.ok(Date.parse(updated.lastUpdated) > Date.parse(before.lastUpdated));
  const inSnapshot = snapshot.instances.find((i) => i.id === instanceA)!.tokens.find((t) =>
    t.id === id
  )!;
  assert.is(inSnapshot.name, "scratch");
  assert.ok(server.store.deleteToken(instanceA, id));
  assert.is(server.store.getToken(instanceA, id), undefined);
  assert.not.ok(server.store.deleteToken(instanceA, id));
});

test("GET one token: 200 without the secret, with _type and _links", async () => {
  const id = firstToken(instanceA);
  const { status, body, res } = await callJson(tokenPath(instanceA, id));
  assert.is(status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
  assert.is(body.id, id);
  assert.is(body.apiTokenId, id);
  assert.is(body.token, undefined);
  assert.is(body._type, "apiToken");
  assert.equal(body._links, { self: { href: tokenPath(instanceA, id) } });
  const stored = server.store.getToken(instanceA, id)!;
  assert.is(body.name, stored.name);
  assert.is(body.ownerId, server.store.getInstance(instanceA)!.ownerId);
});

test("POST create: 201 returns the secret once; GET and list never do", async () => {
  const created = await callJson(tokensPath(instanceA), {
    method: "POST",
    body: { name: "ci-created", scope: ["all.Instance.read"], description: "made by a test" },
  });
  assert.is(created.status, 201);
  assert.type(created.body.token, "string");
  assert.match(created.body.token, /^eyJ/);
  assert.is(created.body.creatorType, "apiToken");
  assert.is(server.store.getToken(instanceA, created.body.id)!.token, created.body.token);

  const fetched = await callJson(tokenPath(instanceA, created.body.id));
  assert.is(fetched.body.token, undefined);
  const listed = await callJson(`${tokensPath(instanceA)}?filterField=name&filter=ci-created`);
  assert.is(listed.body.count, 1);
  assert.is(listed.body.items[0].token, undefined);

  // The new secret is itself a bearer token, confined to its own instance.
  const own = await call(tokenPath(instanceA, created.body.id), { token: created.body.token });
  assert.is(own.status, 200);
  await own.body?.cancel();
  const other = await callJson(tokenPath(instanceB, firstToken(instanceB)), {
    token: created.body.token,
  });
  assert.is(other.status, 403);
  assert.is(other.body.type, "Forbidden");

  const bad = await callJson(tokensPath(instanceA), { method: "POST", body: { scope: [] } });
  assert.is(bad.status, 400);
  assert.is(bad.body.type, "Validation");
});

test("PATCH: applies, bumps lastUpdated, returns the token without secret", async () => {
  const id = freshToken(instanceA);
  const before = server.store.getToken(instanceA, id)!;
  const { status, body } = await callJson(tokenPath(instanceA, id), {
    method: "PATCH",
    body: { name: "patched", status: "inactive", description: "x", defaultRole: "view" },
  });
  assert.is(status, 200);
  assert.is(body.name, "patched");
  assert.is(body.status, "inactive");
  assert.is(body.token, undefined);
  assert.is(body._type, "apiToken");
  const after = server.store.getToken(instanceA, id)!;
  assert.is(after.name, "patched");
  assert.is(after.defaultRole, "view");
  assert.ok(Date.parse(after.lastUpdated) > Date.parse(before.lastUpdated));
});

test("PATCH: 400 for unknown fields, bad values and non-JSON bodies; nothing changes", async () => {
  const id = freshToken(instanceA);
  const before = server.store.snapshot();
  const bodies: CallOptions[] = [
    { body: { scope: ["all.Instance"] } },
    { body: { nope: 1 } },
    { body: { name: "" } },
    { body: { name: "x".repeat(256) } },
    { body: { description: "x".repeat(32768) } },
    { body: { status: "paused" } },
    { body: { defaultRole: "owner" } },
    { body: { orgRoles: [{ orgId: "nope", role: "view" }] } },
    { body: [1, 2] },
    { rawBody: "not json" },
    {},
  ];
  for (const options of bodies) {
    const { status, body } = await callJson(tokenPath(instanceA, id), {
      method: "PATCH",
      ...options,
    });
    assert.is(status, 400, JSON.stringify(options));
    assert.is(body.type, "Validation");
    assert.type(body.message, "string");
  }
  assert.equal(server.store.snapshot(), before);
});

test("DELETE: { success: true }, then 404", async () => {
  const id = freshToken(instanceA);
  const { status, body } = await callJson(tokenPath(instanceA, id), { method: "DELETE" });
  assert.is(status, 200);
  assert.equal(body, { success: true });
  assert.is(server.store.getToken(instanceA, id), undefined);
  const again = await callJson(tokenPath(instanceA, id), { method: "DELETE" });
  assert.is(again.status, 404);
  assert.equal(again.body, { type: "NotFound", message: "API token was not found" });
});

test("400 for malformed ids, 404 for unknown instance and token and route", async () => {
  const id = firstToken(instanceA);
  for (
    const path of [
      tokenPath("nothex", id),
      tokenPath(instanceA, "123"),
      tokensPath("zz".repeat(12)),
    ]
  ) {
    const { status, body } = await callJson(path);
    assert.is(status, 400, path);
    assert.is(body.type, "Validation");
  }
  const missingToken = await callJson(tokenPath(instanceA, "a".repeat(24)));
  assert.is(missingToken.status, 404);
  assert.equal(missingToken.body, { type: "NotFound", message: "API token was not found" });
  const missingInstance = await callJson(tokensPath("b".repeat(24)));
  assert.is(missingInstance.status, 404);
  assert.equal(missingInstance.body, { type: "NotFound", message: "Instance was not found" });
  const route = await callJson("/nowhere");
  assert.is(route.status, 404);
  assert.is(route.body.type, "NotFound");
});

test("401 for a missing, unknown, inactive, expired or deleted access token", async () => {
  const path = tokenPath(instanceA, firstToken(instanceA));
  const inactive = server.issueAccessToken(["all.Instance"]);
  server.store.updateToken(inactive.instanceId, inactive.apiTokenId, { status: "inactive" });
  const expired = server.issueAccessToken(["all.Instance"], {
    expirationDate: new Date(Date.now() - 1000).toISOString(),
  });
  const deleted = server.issueAccessToken(["all.Instance"]);
  server.store.deleteToken(deleted.instanceId, deleted.apiTokenId);
  for (const token of [null, "eyJunknown", inactive.token, expired.token, deleted.token]) {
    const { status, body } = await callJson(path, { token });
    assert.is(status, 401, String(token));
    assert.is(body.type, "Unauthorized");
    assert.type(body.message, "string");
  }
  const malformed = await callJson(path, { token: null, headers: { authorization: "Basic abc" } });
  assert.is(malformed.status, 401);
});

test("403 when no scope authorizes the action or the token is bound to another instance", async () => {
  const reader = server.issueAccessToken(["instanceApiToken.get"]);
  const res = await callJson(tokenPath(instanceA, firstToken(instanceA)), {
    method: "PATCH",
    token: reader.token,
    body: { name: "never" },
  });
  assert.is(res.status, 403);
  assert.is(res.body.type, "Forbidden");
  const bound = server.issueAccessToken(["all.Instance"], { instanceId: instanceA });
  const mine = await call(tokensPath(instanceA), { token: bound.token });
  assert.is(mine.status, 200);
  await mine.body?.cancel();
  const theirs = await callJson(tokensPath(instanceB), { token: bound.token });
  assert.is(theirs.status, 403);
});

test("every scope in each action table is accepted; one outside is rejected", async () => {
  const outside: Record<RouteKind, string> = {
    get: "instanceApiTokens.get",
    patch: "all.Instance.read",
    delete: "instanceApiToken.get",
    list: "instanceApiToken.get",
    create: "all.User.read",
  };
  const attempt = (kind: RouteKind, token: string): Promise<Response> => {
    switch (kind) {
      case "get":
        return call(tokenPath(instanceA, firstToken(instanceA)), { token });
      case "patch":
        return call(tokenPath(instanceA, freshToken(instanceA)), {
          method: "PATCH",
          token,
          body: { name: "p" },
        });
      case "delete":
        return call(tokenPath(instanceA, freshToken(instanceA)), { method: "DELETE", token });
      case "list":
        return call(`${tokensPath(instanceA)}?perPage=1`, { token });
      case "create":
        return call(tokensPath(instanceA), { method: "POST", token, body: { name: "c" } });
    }
  };
  for (const kind of Object.keys(ACTION_SCOPES) as RouteKind[]) {
    for (const scope of ACTION_SCOPES[kind]) {
      const res = await attempt(kind, server.issueAccessToken([scope]).token);
      await res.body?.cancel();
      assert.is(res.status, kind === "create" ? 201 : 200, `${kind} with ${scope}`);
    }
    const res = await attempt(
      kind,
      server.issueAccessToken([outside[kind], "all.Application"]).token,
    );
    await res.body?.cancel();
    assert.is(res.status, 403, `${kind} with ${outside[kind]}`);
  }
});

test("list: defaults, paging, sorting, glob filters and bad queries", async () => {
  const all = server.store.listTokens(instanceB);
  const first = await callJson(
    `${tokensPath(instanceB)}?_actions=false&_links=true&_embedded=true`,
  );
  assert.is(first.status, 200);
  assert.is(first.body._type, "apiTokens");
  assert.is(first.body.totalCount, all.length);
  assert.is(first.body.count, all.length);
  assert.is(first.body.perPage, 100);
  assert.is(first.body.page, 0);
  assert.is(first.body.sortField, "name");
  assert.is(first.body.sortDirection, "asc");
  assert.is(first.body.filterField, undefined);
  assert.type(first.body._links.self.href, "string");
  const names: string[] = first.body.items.map((t: { name: string }) => t.name);
  assert.equal(names, [...names].sort());

  const page = await callJson(`${tokensPath(instanceB)}?perPage=7&page=2`);
  assert.is(page.body.count, 7);
  assert.is(page.body.page, 2);
  assert.equal(
    page.body.items.map((t: { id: string }) => t.id),
    first.body.items.slice(14, 21).map((t: { id: string }) => t.id),
  );
  const beyond = await callJson(`${tokensPath(instanceB)}?perPage=7&page=100`);
  assert.is(beyond.body.count, 0);
  assert.equal(beyond.body.items, []);

  const byDate = await callJson(
    `${tokensPath(instanceB)}?sortField=creationDate&sortDirection=desc`,
  );
  const dates: string[] = byDate.body.items.map((t: { creationDate: string }) => t.creationDate);
  assert.equal(dates, [...dates].sort().reverse());
  assert.is(byDate.body.sortDirection, "desc");

  const ci = await callJson(`${tokensPath(instanceB)}?filterField=name&filter=CI-*`);
  const expected = all.filter((t) => /^ci-/i.test(t.name)).length;
  assert.ok(expected > 0);
  assert.is(ci.body.count, expected);
  assert.is(ci.body.filterField, "name");
  assert.is(ci.body.filter, "CI-*");
  assert.ok(ci.body.items.every((t: { name: string }) => t.name.startsWith("ci-")));
  const inner = await callJson(`${tokensPath(instanceB)}?filterField=name&filter=*gateway*`);
  assert.is(inner.body.count, all.filter((t) => t.name.includes("gateway")).length);
  const anchored = await callJson(`${tokensPath(instanceB)}?filterField=name&filter=gateway`);
  assert.is(anchored.body.count, 0);
  const inactive = await callJson(`${tokensPath(instanceB)}?filterField=status&filter=inact*`);
  assert.is(inactive.body.count, all.filter((t) => t.status === "inactive").length);

  for (
    const query of [
      "perPage=abc",
      "perPage=1001",
      "perPage=0",
      "page=-1",
      "sortField=owner",
      "sortDirection=up",
      "filterField=scope&filter=x",
    ]
  ) {
    const { status, body } = await callJson(`${tokensPath(instanceB)}?${query}`);
    assert.is(status, 400, query);
    assert.is(body.type, "Validation");
  }
});

test("request log records every field, and clearRequests empties the same array", async () => {
  const log = server.requests;
  server.clearRequests();
  assert.is(server.requests.length, 0);
  const id = freshToken(instanceA);
  const res = await call(`${tokenPath(instanceA, id)}?_links=true`, {
    method: "PATCH",
    body: { name: "logged" },
    headers: {
      "x-request-id": "req-log-1",
      losantdomain: "example.losant.space",
      "accept-version": "^1.30.0",
    },
  });
  await res.json();
  await server.idle();
  assert.is(server.requests, log);
  assert.is(log.length, 1);
  const entry = log[0]!;
  assert.is(entry.method, "PATCH");
  assert.is(entry.path, tokenPath(instanceA, id));
  assert.equal(entry.query, { _links: "true" });
  assert.is(entry.headers.authorization, `Bearer ${admin}`);
  assert.is(entry.headers["accept-version"], "^1.30.0");
  assert.is(entry.headers.losantdomain, "example.losant.space");
  assert.is(entry.losantDomain, "example.losant.space");
  assert.equal(entry.body, { name: "logged" });
  assert.is(entry.status, 200);
  assert.is(entry.requestId, "req-log-1");
  assert.is(entry.instanceId, instanceA);
  assert.is(entry.action, "patch");
  assert.is(entry.fault, undefined);
  assert.type(entry.startedAt, "number");
  assert.ok(entry.endedAt !== undefined && entry.endedAt >= entry.startedAt);
  assert.ok(Math.abs(entry.startedAt - Date.now()) < 60_000);
  const next = await call(tokensPath(instanceA), { method: "POST", rawBody: "plain text" });
  await next.body?.cancel();
  await server.idle();
  assert.is(log[1]!.body, "plain text");
  assert.ok(log[1]!.id > entry.id);
});

test("status fault: no change, Retry-After in seconds or as an HTTP date, counted uses", async () => {
  const id = freshToken(instanceA);
  const handle = server.faults.add({ action: "patch", status: 503, retryAfter: 2, times: 2 });
  server.clearRequests();
  for (let i = 0; i < 2; i++) {
    const { status, body, res } = await callJson(tokenPath(instanceA, id), {
      method: "PATCH",
      body: { name: "nope" },
    });
    assert.is(status, 503);
    assert.equal(body.type, "ServiceUnavailable");
    assert.is(res.headers.get("retry-after"), "2");
  }
  assert.is(handle.used, 2);
  assert.is(handle.remaining, 0);
  assert.is(server.store.getToken(instanceA, id)!.name, "scratch");
  await server.idle();
  assert.is(server.requests[0]!.fault, "status:503");
  assert.is(server.requests[0]!.status, 503);
  const ok = await callJson(tokenPath(instanceA, id), { method: "PATCH", body: { name: "yes" } });
  assert.is(ok.status, 200);

  const date = new Date(Date.now() + 5000).toUTCString();
  server.faults.add({ action: "*", instanceId: instanceB, status: 429, retryAfter: date });
  const elsewhere = await call(tokensPath(instanceA));
  assert.is(elsewhere.status, 200);
  await elsewhere.body?.cancel();
  const limited = await callJson(tokensPath(instanceB));
  assert.is(limited.status, 429);
  assert.is(limited.body.type, "TooManyRequestsError");
  assert.is(limited.res.headers.get("retry-after"), date);

  server.faults.add({
    action: "get",
    status: 500,
    body: { type: "Custom", message: "custom body" },
  });
  const custom = await callJson(tokenPath(instanceA, id));
  assert.equal(custom.body, { type: "Custom", message: "custom body" });
});

test("latency fault delays the answer", async () => {
  server.faults.add({ action: "list", latencyMs: 150 });
  server.clearRequests();
  const started = performance.now();
  const res = await call(`${tokensPath(instanceA)}?perPage=1`);
  await res.json();
  assert.ok(performance.now() - started >= 140);
  assert.is(res.status, 200);
  await server.idle();
  assert.is(server.requests[0]!.fault, "latency");
});

test("stall fault sends headers, then the body after the pause; the change applies", async () => {
  const id = freshToken(instanceA);
  server.faults.add({ action: "patch", stallAfterHeadersMs: 250 });
  const res = await call(tokenPath(instanceA, id), { method: "PATCH", body: { name: "stalled" } });
  const headersAt = performance.now();
  assert.is(res.status, 200);
  assert.is(server.store.getToken(instanceA, id)!.name, "stalled");
  const body = await res.json();
  assert.ok(performance.now() - headersAt >= 150, "body arrived without the stall");
  assert.is(body.name, "stalled");
  await server.idle();
  assert.is(server.requests.at(-1)!.fault, "stall");
  assert.is(server.requests.at(-1)!.status, 200);
});

test("reset before: connection dropped, nothing applied, resends with the same x-request-id reset too", async () => {
  const id = freshToken(instanceA);
  const handle = server.faults.add({ action: "delete", reset: "before" });
  server.clearRequests();
  const attempt = (requestId: string): Promise<unknown> =>
    call(tokenPath(instanceA, id), { method: "DELETE", headers: { "x-request-id": requestId } })
      .then((res) => res.json());
  await rejects(() => attempt("reset-before-1"), "reset-before must drop the connection");
  assert.ok(server.store.getToken(instanceA, id), "token must survive a reset-before");
  await rejects(() => attempt("reset-before-1"), "reset-before must drop the connection");
  assert.is(handle.used, 1);
  await server.idle();
  assert.ok(server.requests.length >= 2);
  assert.ok(
    server.requests.every((e) =>
      e.fault === "reset:before" && e.status === undefined && e.endedAt !== undefined
    ),
  );
  assert.ok(server.store.getToken(instanceA, id));
  assert.equal(await attempt("reset-before-2"), { success: true });
  assert.is(server.store.getToken(instanceA, id), undefined);
});

test("reset after: the change applies but no answer comes; a resend is reset, not re-applied", async () => {
  const id = freshToken(instanceA);
  server.faults.add({ action: "patch", reset: "after" });
  const attempt = (): Promise<unknown> =>
    call(tokenPath(instanceA, id), {
      method: "PATCH",
      body: { name: "after" },
      headers: { "x-request-id": "reset-after-1" },
    })
      .then((res) => res.json());
  await rejects(() => attempt(), "reset-after must drop the connection");
  const applied = server.store.getToken(instanceA, id)!;
  assert.is(applied.name, "after");
  await rejects(() => attempt(), "reset-after must drop the connection");
  assert.is(server.store.getToken(instanceA, id)!.lastUpdated, applied.lastUpdated);
  await server.idle();
  assert.ok(
    server.requests.filter((e) => e.requestId === "reset-after-1").every((e) =>
      e.fault === "reset:after"
    ),
  );
});

test("rate limit: over perSecond answers 429 with Retry-After, per instance", async () => {
  server.faults.rateLimit({ instanceId: instanceA, perSecond: 3 });
  server.clearRequests();
  const statuses: number[] = [];
  let retryAfter: string | null = null;
  for (let i = 0; i < 5; i++) {
    const res = await call(`${tokensPath(instanceA)}?perPage=1`);
    statuses.push(res.status);
    if (res.status === 429) {
      retryAfter = res.headers.get("retry-after");
      assert.is((await res.json()).type, "TooManyRequestsError");
    } else await res.body?.cancel();
  }
  assert.equal(statuses.slice(0, 3), [200, 200, 200]);
  assert.ok(statuses.slice(3).includes(429));
  assert.ok(Number(retryAfter) >= 1);
  const other = await call(`${tokensPath(instanceB)}?perPage=1`);
  assert.is(other.status, 200);
  await other.body?.cancel();
  await server.idle();
  assert.ok(server.requests.some((e) => e.fault === "rateLimit" && e.status === 429));
  server.faults.clear();
  const after = await call(`${tokensPath(instanceA)}?perPage=1`);
  assert.is(after.status, 200);
  await after.body?.cancel();
});

test("close() destroys open keep-alive sockets and in-flight stalls", async () => {
  const other = await startFakeLosant({ seed: { instances: 1, tokensPerInstance: 2 } });
  const token = other.issueAccessToken(["all.Instance"]).token;
  const res = await fetch(`${other.url}/instances/${other.instanceIds[0]}/tokens`, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.is(res.status, 200);
  await res.json();
  other.faults.add({ stallAfterHeadersMs: 60_000 });
  const stalled = await fetch(`${other.url}/instances/${other.instanceIds[0]}/tokens`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const started = performance.now();
  await other.close();
  await stalled.text().catch(() => undefined);
  assert.ok(performance.now() - started < 5000);
  await rejects(() => fetch(`${other.url}/instances`), "a closed server must refuse connections");
});

test.run();
