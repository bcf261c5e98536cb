/**
 * Where httpFetch sends, and the Response it hands back: it parses an origin once and
 * reuses the parts while calls go to the same one (a per-call saving), so these tests make
 * it switch between origins, hosts written as IPv6 literals and URLs with a fragment, and
 * check that every request still lands where its URL says. Real servers on loopback.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createHttpFetch } from "../src/fetch/http-fetch.ts";
import { BufferedResponse } from "../src/fetch/buffered-response.ts";

interface Seen {
  url: string;
  host: string;
}

async function serve(host: string, name: string) {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    seen.push({ url: req.url ?? "", host: req.headers.host ?? "" });
    res.setHeader("x-server", name);
    res.end(JSON.stringify({ name, url: req.url }));
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  const origin = host.includes(":") ? `http://[${host}]:${port}` : `http://${host}:${port}`;
  return {
    origin,
    port,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

test("calls alternating between origins each reach their own server, path and query intact", async () => {
  const a = await serve("127.0.0.1", "a");
  const b = await serve("127.0.0.1", "b");
  const fetch = createHttpFetch();
  try {
    const order = [a, b, a, a, b];
    for (const [i, srv] of order.entries()) {
      const response = await fetch(`${srv.origin}/instances/${i}?q=${i}&x=%20y`);
      const body = await response.json() as { name: string; url: string };
      assert.is(body.name, srv === a ? "a" : "b", `call ${i}`);
      assert.is(body.url, `/instances/${i}?q=${i}&x=%20y`);
      assert.is(response.headers.get("x-server"), body.name);
    }
    assert.equal(a.seen.map((s) => s.url), [
      "/instances/0?q=0&x=%20y",
      "/instances/2?q=2&x=%20y",
      "/instances/3?q=3&x=%20y",
    ]);
    assert.equal(b.seen.map((s) => s.url), ["/instances/1?q=1&x=%20y", "/instances/4?q=4&x=%20y"]);
    assert.is(a.seen[0]!.host, `127.0.0.1:${a.port}`);
  } finally {
    await a.close();
    await b.close();
  }
});

test("an IPv6 literal host is reached, and a fragment is never sent", async () => {
  const v6 = await serve("::1", "v6");
  const v4 = await serve("127.0.0.1", "v4");
  const fetch = createHttpFetch();
  try {
    const first = await fetch(`${v6.origin}/path?x=1#secret-fragment`);
    assert.is((await first.json() as { name: string }).name, "v6");
    // Same path on another origin, then back: the remembered origin must not stick.
    assert.is((await (await fetch(`${v4.origin}/path`)).json() as { name: string }).name, "v4");
    assert.is((await (await fetch(`${v6.origin}/again`)).json() as { name: string }).name, "v6");
    assert.equal(v6.seen.map((s) => s.url), ["/path?x=1", "/again"]);
    assert.is(v6.seen[0]!.host, `[::1]:${v6.port}`);
  } finally {
    await v6.close();
    await v4.close();
  }
});

test("a URL with no path goes to /; a scheme other than http(s) fails like fetch, sending nothing", async () => {
  const srv = await serve("127.0.0.1", "a");
  const fetch = createHttpFetch();
  try {
    await fetch(`${srv.origin}`);
    assert.equal(srv.seen.map((s) => s.url), ["/"]);
    for (const url of [`ftp://127.0.0.1:${srv.port}/x`, `file:///etc/passwd`]) {
      const error = await fetch(url).then(() => undefined, (e: unknown) => e);
      assert.instance(error, TypeError, url);
      assert.is((error as TypeError).message, "fetch failed");
      assert.match(String((error as TypeError).cause), /unsupported scheme/);
    }
    assert.is(srv.seen.length, 1);
  } finally {
    await srv.close();
  }
});

test("a BufferedResponse keeps its headers without copying them; a clone gets its own", async () => {
  const headers = new Headers({ "content-type": "application/json", "x-a": "1" });
  const response = new BufferedResponse(new TextEncoder().encode('{"a":1}'), {
    status: 201,
    statusText: "Created",
    headers,
  });
  assert.is(response.headers, headers);
  assert.is(response.status, 201);
  assert.is(response.statusText, "Created");
  assert.ok(response.ok);
  const clone = response.clone();
  clone.headers.set("x-a", "changed");
  assert.is(response.headers.get("x-a"), "1");
  assert.is(clone.headers.get("x-a"), "changed");
  assert.is(clone.status, 201);
  assert.equal(await clone.json(), { a: 1 });
  // Read as a stream, it still carries the same headers and status.
  const standard = new Response(response.body, response);
  assert.is(standard.headers.get("content-type"), "application/json");
  assert.is(standard.status, 201);
  assert.equal(await standard.json(), { a: 1 });
  // Plain-object headers are accepted too.
  const plain = new BufferedResponse(null, { status: 204, headers: { "x-b": "2" } });
  assert.is(plain.headers.get("x-b"), "2");
  assert.is(plain.body, null);
});

test.run();
