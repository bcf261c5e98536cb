/**
 * `losant-tokens/http-fetch`: the fetch over node:http with keep-alive agents. Real sockets
 * on loopback: the client's calls through it, keep-alive and a connection of its own,
 * decoded bodies, redirects left alone, aborts and per-attempt timeouts reaching a body
 * that is still arriving, and errors that carry no secret. node:http is Node's API, which
 * Deno and Bun also implement: the suite runs on all three.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Buffer } from "node:buffer";
import { brotliCompressSync, gzipSync } from "node:zlib";
import { createClient, getToken, LosantNetworkError, LosantTimeoutError } from "../mod.ts";
import { serve } from "./support/raw-server.ts";
import { createHttpFetch, httpFetch } from "../src/fetch/http-fetch.ts";
import { startFixture } from "./support/fixture.ts";

const ids = { instanceId: "a".repeat(24), apiTokenId: "b".repeat(24) };

test("getToken through httpFetch: one GET, the token back", async () => {
  const fixture = await startFixture({ fetch: httpFetch });
  try {
    const { instanceId, apiTokenId } = fixture;
    const token = await getToken(fixture.client, { instanceId, apiTokenId });
    assert.is(token.id, apiTokenId);
    assert.is(fixture.server.requests.filter((r) => r.method === "GET").length, 1);
  } finally {
    await fixture.server.close();
  }
});

test("calls share a keep-alive connection; keepalive: false gets one of its own", async () => {
  const srv = await serve((_req, res) => res.end("{}"));
  const fetch = createHttpFetch();
  try {
    for (let i = 0; i < 3; i++) assert.is((await fetch(srv.url)).status, 200);
    assert.is(srv.connections(), 1, "three calls on one connection");
    for (let i = 0; i < 2; i++) await fetch(srv.url, { keepalive: false });
    assert.is(srv.connections(), 3, "each keepalive: false call on a new connection");
  } finally {
    await srv.close();
  }
});

test("method, headers and body go out; gzip and br bodies are decoded", async () => {
  const seen: { method?: string; auth?: string; body: string }[] = [];
  const srv = await serve((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      seen.push({ method: req.method, auth: req.headers.authorization, body });
      const text = Buffer.from(JSON.stringify({ ok: req.url }));
      if (req.url === "/gzip") {
        res.writeHead(200, { "content-encoding": "gzip" }).end(gzipSync(text));
      } else if (req.url === "/br") {
        res.writeHead(200, { "content-encoding": "br" }).end(brotliCompressSync(text));
      } else if (req.url === "/GZIP") {
        // A server's own spelling of the name and the value: read as Headers would.
        const gz = gzipSync(text);
        const headers = [["Content-Encoding", " GZIP "], ["Content-Length", `${gz.length}`]];
        res.writeHead(200, [...headers, ["X-Kept", "yes"]]).end(gz);
      } else res.end(text);
    });
  });
  try {
    const posted = await httpFetch(`${srv.url}/plain`, {
      method: "PATCH",
      headers: { authorization: "Bearer x" },
      body: '{"a":1}',
    });
    assert.equal(await posted.json(), { ok: "/plain" });
    assert.equal(seen[0], { method: "PATCH", auth: "Bearer x", body: '{"a":1}' });
    assert.equal(await (await httpFetch(`${srv.url}/gzip`)).json(), { ok: "/gzip" });
    const br = await httpFetch(`${srv.url}/br`);
    assert.is(br.headers.get("content-encoding"), null, "decoded: no encoding header left");
    assert.equal(await br.json(), { ok: "/br" });
    const upper = await httpFetch(`${srv.url}/GZIP`);
    assert.equal(await upper.json(), { ok: "/GZIP" });
    assert.is(upper.headers.get("content-encoding"), null, "decoded: no encoding header left");
    assert.is(upper.headers.get("x-kept"), "yes", "the other headers are kept");
    assert.is(upper.headers.get("content-length"), null, "nor the encoded body's length");
  } finally {
    await srv.close();
  }
});

test("a redirect comes back as it is, never followed", async () => {
  let targetHits = 0;
  const srv = await serve((req, res) => {
    if (req.url === "/target") targetHits += 1;
    res.writeHead(req.url === "/target" ? 200 : 302, { location: "/target" }).end();
  });
  try {
    const response = await httpFetch(`${srv.url}/start`);
    assert.is(response.status, 302);
    assert.is(targetHits, 0);
  } finally {
    await srv.close();
  }
});

test("an abort in the middle of the body rejects with its reason", async () => {
  const srv = await serve((_req, res) => {
    res.writeHead(200, { "content-length": "100" });
    res.write("partial"); // then stall
  });
  try {
    const controller = new AbortController();
    const pending = httpFetch(srv.url, { signal: controller.signal });
    // Abort once the headers are in: the body is what is still arriving.
    setTimeout(() => controller.abort(new Error("mid-body")), 50);
    try {
      await pending;
      assert.unreachable("the fetch should reject");
    } catch (error) {
      assert.is((error as Error).message, "mid-body");
    }
  } finally {
    await srv.close();
  }
});

test("the client's per-attempt timeout ends a body that stalls", async () => {
  const srv = await serve((_req, res) => {
    res.writeHead(200, { "content-type": "application/json", "content-length": "100" });
    res.write('{"id":');
  });
  try {
    const client = createClient({
      accessToken: "t",
      url: srv.url,
      retry: false,
      timeout: 100,
      fetch: httpFetch,
    });
    try {
      await getToken(client, ids);
      assert.unreachable("getToken should time out");
    } catch (error) {
      assert.instance(error, LosantTimeoutError);
    }
  } finally {
    await srv.close();
  }
});

test("a reset socket is a network error that does not show the access token", async () => {
  const srv = await serve((req) => req.socket.destroy());
  const secret = "sekret-access-token-value";
  try {
    const client = createClient({
      accessToken: secret,
      url: srv.url,
      retry: false,
      fetch: httpFetch,
    });
    try {
      await getToken(client, ids);
      assert.unreachable("getToken should fail");
    } catch (error) {
      assert.instance(error, LosantNetworkError);
      const rendered = JSON.stringify(error) + String(error) + (error as Error).stack +
        String((error as Error).cause);
      assert.not.ok(rendered.includes(secret), "the error shows the access token");
    }
  } finally {
    await srv.close();
  }
});

/** A request body that sends one chunk, then waits for `release()` before it ends (or never). */
function heldBody() {
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      controller.enqueue(new TextEncoder().encode('{"name":'));
      await released;
      controller.enqueue(new TextEncoder().encode('"x"}'));
      controller.close();
    },
  });
  return { stream, release };
}

test("an abort while the request body is still being read rejects with its reason, and nothing is sent", async () => {
  let requests = 0;
  const srv = await serve((_req, res) => (requests += 1, res.end("{}")));
  try {
    // The body ends after the abort: the request must still not go out.
    const late = heldBody();
    const controller = new AbortController();
    const init = { method: "PATCH", body: late.stream, duplex: "half", signal: controller.signal };
    const sent = httpFetch(`${srv.url}/x`, init as RequestInit);
    const reason = new Error("stop");
    controller.abort(reason);
    late.release();
    const error = await sent.then(() => undefined, (e: unknown) => e);
    assert.is(error, reason);
    // The body never ends: the abort alone settles the fetch.
    const stalled = heldBody();
    const stop = new AbortController();
    const pending = httpFetch(
      `${srv.url}/y`,
      { method: "PATCH", body: stalled.stream, duplex: "half", signal: stop.signal } as RequestInit,
    );
    const second = new Error("stalled");
    setTimeout(() => stop.abort(second), 20);
    assert.is(await pending.then(() => undefined, (e: unknown) => e), second);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.is(requests, 0, "no request reached the server");
    assert.is(srv.connections(), 0, "no connection was even opened");
    stalled.release();
  } finally {
    await srv.close();
  }
});

test.run();
