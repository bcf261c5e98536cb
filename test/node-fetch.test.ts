/**
 * The Node fast fetch (`losant-tokens/node-fetch`): the same answers as fetch for what the
 * client needs (status, headers, bodies, aborts, socket errors as TypeError-with-cause), no
 * secret in any error, and the core never loads it.
 *
 * The behaviour tests run on Node only: the module is Node's (undici over node:net), and
 * Deno and Bun keep their own fetch. On Bun, where `undici` is a stand-in that cannot
 * dispatch, nodeFetch falls back to Bun's fetch under the same contract and a `dispatcher`
 * option throws at once. On every runtime one test checks, through esbuild's import graph,
 * that mod.ts reaches neither this module nor undici.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { build, stop } from "esbuild";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const IS_NODE = !("Deno" in globalThis) && !("Bun" in globalThis);

test.after(() => {
  // The esbuild service would otherwise keep Deno's event loop alive.
  stop();
});

test("mod.ts imports neither the fast fetch nor undici", async () => {
  const result = await build({
    entryPoints: ["mod.ts"],
    absWorkingDir: ROOT,
    bundle: true,
    format: "esm",
    platform: "neutral",
    mainFields: ["module", "main"],
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  const inputs = Object.keys(result.metafile.inputs).map((p) => p.replaceAll("\\", "/"));
  assert.ok(inputs.includes("src/transport.ts"), "the graph should hold the transport");
  const leaked = inputs.filter((p) =>
    p.includes("src/fetch/node-fetch") || p.includes("node_modules/undici")
  );
  assert.equal(leaked, []);
});

if (IS_NODE) await nodeTests();
if ("Bun" in globalThis) await bunTests();

test.run();

async function nodeTests(): Promise<void> {
  const http = await import("node:http");
  const { gzipSync } = await import("node:zlib");
  const { inspect } = await import("node:util");
  const { createNodeFetch, nodeFetch } = await import("../src/fetch/node-fetch.ts");
  const { BufferedResponse } = await import("../src/fetch/buffered-response.ts");
  const { createClient, getToken, LosantNetworkError, LosantTimeoutError, patchToken } =
    await import(
      "../mod.ts"
    );
  const { startFixture } = await import("./support/fixture.ts");

  type Handler = (
    req: import("node:http").IncomingMessage,
    res: import("node:http").ServerResponse,
  ) => void;

  /** A loopback server for one test; `close` also ends kept-alive and stalled sockets. */
  async function serve(handler: Handler): Promise<{ url: string; close(): Promise<void> }> {
    const server = http.createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    return {
      url: `http://127.0.0.1:${port}`,
      close: () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    };
  }

  const readBody = (req: import("node:http").IncomingMessage): Promise<string> =>
    new Promise((resolve) => {
      let text = "";
      req.setEncoding("utf8");
      req.on("data", (c: string) => (text += c));
      req.on("end", () => resolve(text));
    });

  test("node: getToken through nodeFetch returns what the global fetch returns", async () => {
    const fx = await startFixture();
    try {
      const fast = createClient({
        accessToken: fx.accessToken,
        url: fx.server.url,
        fetch: nodeFetch,
      });
      const params = { instanceId: fx.instanceId, apiTokenId: fx.apiTokenId };
      assert.equal(await getToken(fast, params), await getToken(fx.client, params));
      const patched = await patchToken(fast, {
        ...params,
        apiToken: { description: "via undici" },
      });
      assert.is(patched.description, "via undici");
    } finally {
      await fx.server.close();
    }
  });

  test("node: method, headers and body go out; status, headers and body come back", async () => {
    const srv = await serve(async (req, res) => {
      const body = await readBody(req);
      res.setHeader("set-cookie", ["a=1", "b=2"]);
      res.setHeader("content-type", "application/json");
      res.writeHead(201, "Made");
      res.end(JSON.stringify({ method: req.method, h: req.headers["x-probe"], body }));
    });
    try {
      const response = await nodeFetch(`${srv.url}/echo?q=1`, {
        method: "POST",
        headers: { "X-Probe": "yes" },
        body: "héllo",
      });
      assert.ok(response instanceof Response);
      assert.is(response.status, 201);
      assert.is(response.statusText, "Made");
      assert.is(response.ok, true);
      assert.equal(response.headers.getSetCookie(), ["a=1", "b=2"]);
      assert.equal(await response.json(), { method: "POST", h: "yes", body: "héllo" });
      assert.is(response.bodyUsed, true);
      try {
        await response.text();
        assert.unreachable("a body reads once");
      } catch (error) {
        assert.instance(error, TypeError);
      }
      // A Request as input, as ky passes it.
      const viaRequest = await nodeFetch(
        new Request(`${srv.url}/`, { method: "PUT", headers: { "x-probe": "req" }, body: "b" }),
      );
      assert.equal(await viaRequest.json(), { method: "PUT", h: "req", body: "b" });
    } finally {
      await srv.close();
    }
  });

  test("node: 204 has a null body; gzip is decoded; the body also streams", async () => {
    const srv = await serve((req, res) => {
      if (req.url === "/none") {
        res.writeHead(204).end();
      } else {
        res.writeHead(200, { "content-encoding": "gzip" }).end(gzipSync("x".repeat(5000)));
      }
    });
    try {
      const none = await nodeFetch(`${srv.url}/none`);
      assert.is(none.status, 204);
      assert.is(none.body, null);
      assert.is(await none.text(), "");
      const zipped = await nodeFetch(`${srv.url}/zip`);
      const copy = zipped.clone();
      assert.is(await zipped.text(), "x".repeat(5000));
      let streamed = 0;
      const reader = copy.body!.getReader();
      for (let r = await reader.read(); !r.done; r = await reader.read()) {
        streamed += r.value.byteLength;
      }
      assert.is(streamed, 5000);
      assert.is(copy.bodyUsed, true);
    } finally {
      await srv.close();
    }
  });

  test("node: an abort before sending and in the middle of the body rejects with its reason", async () => {
    const srv = await serve((_req, res) => {
      res.writeHead(200, { "content-length": "100" });
      res.write("partial"); // then stall: the rest never comes
    });
    try {
      const early = new AbortController();
      early.abort(new Error("before"));
      try {
        await nodeFetch(srv.url, { signal: early.signal });
        assert.unreachable();
      } catch (error) {
        assert.is((error as Error).message, "before");
      }
      const late = new AbortController();
      const pending = nodeFetch(srv.url, { signal: late.signal });
      setTimeout(() => late.abort(new Error("mid-body")), 50);
      try {
        await pending;
        assert.unreachable();
      } catch (error) {
        assert.is((error as Error).message, "mid-body");
      }
    } finally {
      await srv.close();
    }
  });

  test("node: a socket error is a TypeError with a cause; no error shows the token", async () => {
    const secret = "Bearer sekret-token-value";
    const srv = await serve((req) => req.socket.destroy());
    try {
      const fetch = createNodeFetch();
      try {
        await fetch(srv.url, { headers: { authorization: secret } });
        assert.unreachable();
      } catch (error) {
        assert.instance(error, TypeError);
        assert.instance((error as Error).cause, Error);
        assert.not.ok(inspect(error, { depth: 10 }).includes("sekret"), "the token leaked");
      }
      // Through the client the transport maps it to LosantNetworkError, token-free as well.
      const client = createClient({
        accessToken: "sekret-token-value",
        url: srv.url,
        retry: false,
        fetch: nodeFetch,
      });
      try {
        await getToken(client, { instanceId: "a".repeat(24), apiTokenId: "b".repeat(24) });
        assert.unreachable();
      } catch (error) {
        assert.instance(error, LosantNetworkError);
        assert.not.ok(inspect(error, { depth: 10 }).includes("sekret"), "the token leaked");
      }
    } finally {
      await srv.close();
    }
  });

  test("node: the per-attempt timeout ends a body that stalls", async () => {
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
        fetch: nodeFetch,
      });
      const started = Date.now();
      try {
        await getToken(client, { instanceId: "a".repeat(24), apiTokenId: "b".repeat(24) });
        assert.unreachable();
      } catch (error) {
        assert.instance(error, LosantTimeoutError);
      }
      assert.ok(Date.now() - started < 2000, "the timeout fired late");
    } finally {
      await srv.close();
    }
  });

  test("node: a BufferedResponse behaves as a Response once materialised", async () => {
    const bytes = new TextEncoder().encode('{"a":1}');
    const response = new BufferedResponse(bytes, { status: 200, headers: { "x-a": "b" } });
    assert.is(Object.prototype.toString.call(response), "[object Response]");
    assert.is(response.headers.get("x-a"), "b");
    const blob = await response.clone().blob();
    assert.is(blob.size, 7);
    assert.equal(await response.arrayBuffer(), bytes.buffer);
    assert.is(response.bodyUsed, true);
  });
}

async function bunTests(): Promise<void> {
  const http = await import("node:http");
  const { Agent } = await import("undici");
  const { createNodeFetch, nodeFetch } = await import("../src/fetch/node-fetch.ts");
  const { getToken } = await import("../mod.ts");
  const { startFixture } = await import("./support/fixture.ts");

  test("bun: getToken through nodeFetch works (Bun's fetch stands in for undici)", async () => {
    const fixture = await startFixture({ fetch: nodeFetch });
    try {
      const { instanceId, apiTokenId } = fixture;
      const token = await getToken(fixture.client, { instanceId, apiTokenId });
      assert.is(token.id, apiTokenId);
      const gets = fixture.server.requests.filter((r) => r.method === "GET");
      assert.is(gets.length, 1, "one GET, no retries");
    } finally {
      await fixture.server.close();
    }
  });

  test("bun: nodeFetch does not follow a redirect", async () => {
    let targetHits = 0;
    const server = http.createServer((req, res) => {
      if (req.url === "/target") targetHits += 1;
      res.writeHead(req.url === "/target" ? 200 : 302, { location: "/target" });
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as import("node:net").AddressInfo;
      const response = await nodeFetch(`http://127.0.0.1:${port}/start`);
      assert.is(response.status, 302);
      assert.is(targetHits, 0);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test("bun: a dispatcher option throws at once and names Bun", () => {
    assert.throws(
      () => createNodeFetch({ dispatcher: new Agent() as never }),
      (error: Error) => error instanceof TypeError && /Bun/.test(error.message),
    );
  });
}
