import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  after,
  createClient,
  deleteToken,
  getToken,
  listTokensPage,
  LosantApiError,
  patchToken,
  use,
  VERSION,
} from "../mod.ts";
import { createServer, type Server } from "node:http";
import { type Fixture, startFixture } from "./support/fixture.ts";

let f: Fixture;
test.before.each(async () => {
  f = await startFixture();
});
test.after.each(() => f.server.close());

const last = () => f.server.requests[f.server.requests.length - 1];

test("GET one token: path, default query and headers as the official client sends them", async () => {
  await getToken(f.client, { instanceId: f.instanceId, apiTokenId: f.apiTokenId });
  const r = last();
  assert.is(r.method, "GET");
  assert.is(r.path, `/instances/${f.instanceId}/tokens/${f.apiTokenId}`);
  assert.equal(r.query, { _actions: "false", _links: "true", _embedded: "true" });
  assert.is(r.headers["authorization"], `Bearer ${f.accessToken}`);
  assert.is(r.headers["accept"], "application/json");
  assert.is(r.headers["accept-version"], "^1.30.0");
  assert.is(r.headers["user-agent"], `losant-tokens/${VERSION}`);
  assert.is(r.headers["content-type"], undefined);
  assert.is(r.headers["losantdomain"], undefined);
  assert.match(r.headers["x-request-id"], /^[0-9a-z]+-1$/);
  assert.is(r.body, undefined);
});

test("a middleware reads the response headers after next(), in a spread or JSON of ctx.response too, and may replace them", async () => {
  const seen: unknown[] = [];
  const client = use(
    f.client,
    after((ctx) => {
      const response = ctx.response!;
      seen.push(response.headers.get("content-type"));
      seen.push({ ...response }.headers instanceof Headers);
      seen.push(Object.keys(JSON.parse(JSON.stringify(response))).sort());
      response.headers = new Headers({ "x-replaced": "yes" });
      seen.push(response.headers.get("x-replaced"), response.headers.get("content-type"));
    }),
  );
  const token = await getToken(client, { instanceId: f.instanceId, apiTokenId: f.apiTokenId });
  assert.is(token.id, f.apiTokenId);
  assert.match(String(seen[0]), /^application\/json/);
  assert.equal(seen.slice(1), [true, ["body", "headers", "status"], "yes", null]);
});

test("PATCH sends the JSON body with Content-Type", async () => {
  const apiToken = { name: "n2", description: "d", status: "inactive" as const };
  await patchToken(f.client, { instanceId: f.instanceId, apiTokenId: f.apiTokenId, apiToken });
  const r = last();
  assert.is(r.method, "PATCH");
  assert.is(r.headers["content-type"], "application/json");
  assert.equal(r.body, apiToken);
});

test("DELETE: method and path, no body", async () => {
  await deleteToken(f.client, { instanceId: f.instanceId, apiTokenId: f.apiTokenId });
  const r = last();
  assert.is(r.method, "DELETE");
  assert.is(r.path, `/instances/${f.instanceId}/tokens/${f.apiTokenId}`);
  assert.is(r.body, undefined);
  assert.is(r.headers["content-type"], undefined);
});

test("losantdomain only when given, per call or per client; params override the query", async () => {
  await getToken(f.client, {
    instanceId: f.instanceId,
    apiTokenId: f.apiTokenId,
    losantdomain: "example.com",
    _links: false,
    _actions: true,
  });
  assert.is(last().headers["losantdomain"], "example.com");
  assert.equal(last().query, { _actions: "true", _links: "false", _embedded: "true" });
  const scoped = createClient({
    accessToken: f.accessToken,
    url: f.server.url,
    losantdomain: "client.example",
    acceptVersion: "^1.31.0",
    userAgent: "my-job/2",
  });
  await getToken(scoped, { instanceId: f.instanceId, apiTokenId: f.apiTokenId });
  assert.is(last().headers["losantdomain"], "client.example");
  assert.is(last().headers["accept-version"], "^1.31.0");
  assert.is(last().headers["user-agent"], "my-job/2");
});

test("list query: page and perPage as strings, sort and filter", async () => {
  await listTokensPage(f.client, {
    instanceId: f.instanceId,
    page: 2,
    perPage: 3,
    sortField: "creationDate",
    sortDirection: "desc",
    filterField: "status",
    filter: "act*",
  });
  const r = last();
  assert.is(r.path, `/instances/${f.instanceId}/tokens`);
  assert.equal(r.query, {
    _actions: "false",
    _links: "true",
    _embedded: "true",
    page: "2",
    perPage: "3",
    sortField: "creationDate",
    sortDirection: "desc",
    filterField: "status",
    filter: "act*",
  });
});

test("each call has its own request id", async () => {
  const params = { instanceId: f.instanceId, apiTokenId: f.apiTokenId };
  await getToken(f.client, params);
  await getToken(f.client, params);
  const [a, b] = f.server.requests.slice(-2).map((r) => r.requestId);
  assert.ok(a && b && a !== b);
});

test("a base URL with a path prefix and trailing slash is joined cleanly", async () => {
  const prefixed = createClient({ accessToken: f.accessToken, url: `${f.server.url}/` });
  await getToken(prefixed, { instanceId: f.instanceId, apiTokenId: f.apiTokenId });
  assert.is(last().path, `/instances/${f.instanceId}/tokens/${f.apiTokenId}`);
});

/** A loopback server that answers every request with `status` and a Location of `to`. */
async function redirector(
  status: number,
  to: string,
): Promise<{ url: string; server: Server; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    res.writeHead(status, { location: to, "content-type": "application/json" });
    res.end("{}");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, server, hits };
}

const IS_NODE = !("Deno" in globalThis) && !("Bun" in globalThis);

test("a redirect is an error, never followed: a 302 on the delete of A leaves B alone", async () => {
  const [a, b] = f.server.store.listTokens(f.instanceId);
  const fetches: [string, typeof fetch | undefined][] = [["default fetch", undefined]];
  if (IS_NODE) {
    // The default is httpFetch here; Node's own fetch is what a proxy setting falls back to.
    const { nodeFetch } = await import("../src/fetch/node-fetch.ts");
    fetches.push(["nodeFetch", nodeFetch as typeof fetch], ["globalThis.fetch", globalThis.fetch]);
  }
  for (const status of [301, 302, 303, 307, 308]) {
    for (const [label, customFetch] of fetches) {
      // Same origin as the API (B's own path) and another origin: neither is followed.
      const target = `${f.server.url}/instances/${f.instanceId}/tokens/${b.id}`;
      const r = await redirector(status, target);
      try {
        const client = createClient({
          accessToken: f.accessToken,
          url: r.url,
          fetch: customFetch,
          retry: { retries: 2, minTimeout: 1 },
        });
        f.server.clearRequests();
        const error = await deleteToken(client, { instanceId: f.instanceId, apiTokenId: a.id })
          .then(() => undefined, (e) => e);
        const where = `${status} ${label}`;
        assert.instance(error, LosantApiError, where);
        assert.is((error as LosantApiError).statusCode, status, where);
        assert.is((error as LosantApiError).type, "Redirect", where);
        assert.match((error as Error).message, /a redirect, not followed/);
        assert.not.match((error as Error).message, new RegExp(b.id), "Location is not quoted");
        // One request to the redirector (not retried), none to where it pointed.
        assert.equal(r.hits, [
          `DELETE /instances/${f.instanceId}/tokens/${a.id}?_actions=false&_links=true&_embedded=true`,
        ], where);
        assert.is(f.server.requests.length, 0, where);
        assert.ok(f.server.store.getToken(f.instanceId, b.id), `${where}: B still exists`);
      } finally {
        await new Promise((resolve) => r.server.close(resolve));
      }
    }
  }
});

/**
 * A fetch whose Response is not of this runtime's class, as npm undici's or node-fetch's is:
 * here a plain object with what a Response has.
 */
function foreignFetch(): typeof fetch {
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    const r = await fetch(input, init);
    const text = await r.text();
    return {
      status: r.status,
      statusText: r.statusText,
      ok: r.ok,
      type: r.type,
      headers: r.headers,
      body: null,
      text: () => Promise.resolve(text),
      json: () => Promise.resolve(JSON.parse(text)),
    } as unknown as Response;
  }) as typeof fetch;
}

test("a fetch answering with a Response of another class: each call goes out once and gets its answer", async () => {
  const client = createClient({
    accessToken: f.accessToken,
    url: f.server.url,
    fetch: foreignFetch(),
  });
  const params = { instanceId: f.instanceId, apiTokenId: f.apiTokenId };
  f.server.clearRequests();
  const got = await getToken(client, params);
  assert.is(got.id, f.apiTokenId);
  assert.is(got.name, f.server.store.getToken(f.instanceId, f.apiTokenId)!.name);
  const patched = await patchToken(client, { ...params, apiToken: { name: "renamed once" } });
  assert.is(patched.name, "renamed once");
  const missing = { instanceId: f.instanceId, apiTokenId: "f".repeat(24) };
  const error = await getToken(client, missing).then(() => undefined, (e) => e);
  assert.instance(error, LosantApiError);
  assert.is((error as LosantApiError).statusCode, 404);
  // One request each: ky, which takes only its own Response class as an answer, sent none.
  assert.equal(f.server.requests.map((r) => r.method), ["GET", "PATCH", "GET"]);
  assert.is((f.server.requests[1]!.body as { name?: string }).name, "renamed once");
});

test("a custom fetch gets ky's Request with every header, once per attempt, and an init only when it carries something", async () => {
  const seen: { method: string; authorization: string | null; init: RequestInit | undefined }[] =
    [];
  const recording = ((input: RequestInfo | URL, init?: RequestInit) => {
    const request = input as Request;
    seen.push({
      method: request.method,
      authorization: request.headers.get("authorization"),
      init,
    });
    return fetch(request, init);
  }) as typeof fetch;
  const client = createClient({ accessToken: f.accessToken, url: f.server.url, fetch: recording });
  const params = { instanceId: f.instanceId, apiTokenId: f.apiTokenId };
  await getToken(client, params);
  await deleteToken(client, params);
  assert.equal(seen.map((s) => s.method), ["GET", "DELETE"]);
  assert.ok(seen.every((s) => s.authorization === `Bearer ${f.accessToken}`));
  // A get carries nothing in the init; a delete asks for a connection of its own where the
  // runtime would silently resend on a reused one (Deno: a client without a pool; Bun:
  // keepalive false), and Node never resends.
  assert.is(seen[0]!.init, undefined);
  if ("Bun" in globalThis) assert.equal(seen[1]!.init, { keepalive: false });
  else if ("Deno" in globalThis) assert.ok((seen[1]!.init as { client?: unknown })?.client);
  else assert.is(seen[1]!.init, undefined);
});

test.run();
