/**
 * A response body past the size limit (src/fetch/body-limit.ts), against raw servers on
 * loopback: a compression bomb, an endless plain body, a declared length past the limit. Each
 * client call must fail with LosantResponseError carrying the status, after one request (it is
 * not retried), with the exchange cut rather than read to the end, and nothing of the body in
 * the error. It runs with each runtime's default fetch (httpFetch on Node, the runtime's own
 * on Deno and Bun, where the transport counts), and over httpFetch and nodeFetch directly at
 * and past a small limit. node:http is Node's API, which Deno and Bun also implement.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Buffer } from "node:buffer";
import { gzipSync } from "node:zlib";
import { createClient, getToken, LosantResponseError, patchToken } from "../mod.ts";
import { MAX_BODY_BYTES } from "../src/fetch/body-limit.ts";
import { serve } from "./support/raw-server.ts";
import { createHttpFetch } from "../src/fetch/http-fetch.ts";
import { createNodeFetch } from "../src/fetch/node-fetch.ts";

const ids = { instanceId: "a".repeat(24), apiTokenId: "b".repeat(24) };
const SECRET_BYTE = "Z"; // what the bodies are made of: never in an error
// A JSON string of spaces: 1 MiB past the limit decoded, ~33 KB gzipped.
const BOMB = gzipSync(Buffer.from(`"${" ".repeat(MAX_BODY_BYTES + 1024 * 1024)}"`));

const client = (url: string) =>
  createClient({ accessToken: "t".repeat(40), url, retry: { retries: 2, minTimeout: 1 } });

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return await promise.then(() => assert.unreachable("resolved"), (error) => error);
}

function assertTooLarge(error: unknown, status: number): void {
  assert.instance(error, LosantResponseError);
  const e = error as LosantResponseError;
  assert.is(e.statusCode, status);
  assert.match(e.message, /over the size limit/);
  assert.not.ok(e.message.includes(SECRET_BYTE.repeat(8)), "no body in the message");
}

test("a gzip bomb answering getToken, its compressed length declared: LosantResponseError with its status, one request, not retried", async () => {
  const srv = await serve((_req, res) => {
    res.writeHead(200, {
      "content-type": "application/json",
      "content-encoding": "gzip",
      // The length of what is sent, not of what it inflates to: no bound on the decoded body.
      "content-length": BOMB.length,
    });
    res.end(BOMB);
  });
  try {
    assertTooLarge(await rejection(getToken(client(srv.url), ids)), 200);
    assert.is(srv.requests(), 1, "not retried");
  } finally {
    await srv.close();
  }
});

test("an endless plain body: the call fails and the exchange is cut near the limit, not read on", async () => {
  let written = 0;
  let closed!: () => void;
  const cut = new Promise<void>((resolve) => (closed = resolve));
  const chunk = Buffer.alloc(1024 * 1024, SECRET_BYTE);
  const srv = await serve((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.on("close", closed);
    const pump = () => {
      // Stops once the client has gone; written counts what the socket accepted.
      while (!res.destroyed && written < 4 * MAX_BODY_BYTES) {
        written += chunk.length;
        if (!res.write(chunk)) return void res.once("drain", pump);
      }
    };
    pump();
  });
  try {
    assertTooLarge(await rejection(getToken(client(srv.url), ids)), 200);
    await cut;
    assert.ok(written < 2 * MAX_BODY_BYTES, `the server wrote ${written} bytes before the cut`);
    assert.is(srv.requests(), 1);
  } finally {
    await srv.close();
  }
});

test("a patch answered 200 with a body past the limit: one PATCH, never resent; the status says it was applied", async () => {
  const srv = await serve((req, res) => {
    req.resume();
    res.writeHead(200, {
      "content-type": "application/json",
      "content-encoding": "gzip",
    });
    res.end(BOMB);
  });
  try {
    const error = await rejection(
      patchToken(client(srv.url), { ...ids, apiToken: { description: "x" } }),
    );
    assertTooLarge(error, 200);
    assert.is(srv.requests(), 1, "the PATCH went out once");
  } finally {
    await srv.close();
  }
});

test("a 503 whose error page is past the limit: LosantResponseError 503, one request", async () => {
  const srv = await serve((_req, res) => {
    res.writeHead(503, { "content-type": "text/html", "content-encoding": "gzip" });
    res.end(BOMB);
  });
  try {
    assertTooLarge(await rejection(getToken(client(srv.url), ids)), 503);
    assert.is(srv.requests(), 1);
  } finally {
    await srv.close();
  }
});

test("a declared Content-Length past the limit, unencoded: cut at the limit all the same", async () => {
  const body = Buffer.alloc(MAX_BODY_BYTES + 1, SECRET_BYTE);
  const srv = await serve((_req, res) => {
    res.writeHead(200, { "content-type": "application/json", "content-length": body.length });
    res.end(body);
  });
  try {
    assertTooLarge(await rejection(getToken(client(srv.url), ids)), 200);
    assert.is(srv.requests(), 1);
  } finally {
    await srv.close();
  }
});

test("under the limit, a body read counted (chunked, or gzip) arrives whole: a character split across chunks included", async () => {
  const name = "żółć ".repeat(50_000) + "€"; // ~400 KB, multi-byte throughout
  const json = Buffer.from(JSON.stringify({ id: ids.apiTokenId, name }));
  const split = json.indexOf(Buffer.from("€")) + 1; // inside the euro sign's three bytes
  const srv = await serve((req, res) => {
    if (req.url!.includes("gzip=1")) {
      res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" });
      return void res.end(gzipSync(json));
    }
    res.writeHead(200, { "content-type": "application/json" }); // chunked: no length
    res.write(json.subarray(0, split));
    setTimeout(() => res.end(json.subarray(split)), 5);
  });
  try {
    assert.is((await getToken(client(srv.url), ids)).name, name, "chunked");
    // The base URL's path tells the server to gzip.
    assert.is((await getToken(client(`${srv.url}/gzip=1`), ids)).name, name, "gzip");
  } finally {
    await srv.close();
  }
});

const LIMIT = 1000;
const fetches = [
  ["httpFetch", createHttpFetch({ maxBodyBytes: LIMIT })],
  ["nodeFetch", createNodeFetch({ maxBodyBytes: LIMIT })],
] as const;

for (const [name, fetch] of fetches) {
  test(`${name} with maxBodyBytes ${LIMIT}: ${LIMIT} bytes are read, ${LIMIT + 1} reject, plain or gzip`, async () => {
    let size = LIMIT;
    let gzip = false;
    const srv = await serve((_req, res) => {
      const body = Buffer.alloc(size, SECRET_BYTE);
      res.writeHead(200, gzip ? { "content-encoding": "gzip" } : {});
      res.end(gzip ? gzipSync(body) : body);
    });
    try {
      for (gzip of [false, true]) {
        size = LIMIT;
        const response = await fetch(srv.url);
        assert.is((await response.text()).length, LIMIT, `at the limit, gzip ${gzip}`);
        size = LIMIT + 1;
        const error = await rejection(fetch(srv.url)) as TypeError & {
          cause?: { code?: string; status?: number; message?: string };
        };
        assert.instance(error, TypeError, `past the limit, gzip ${gzip}`);
        assert.is(error.cause?.code, "ERR_BODY_TOO_LARGE");
        assert.is(error.cause?.status, 200);
        assert.not.ok(String(error.cause?.message).includes(SECRET_BYTE.repeat(8)));
      }
    } finally {
      await srv.close();
    }
  });

  test(`a client over ${name} with a small limit: the fetch's rejection becomes LosantResponseError with the status`, async () => {
    const srv = await serve((_req, res) => {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ type: "NotFound", message: SECRET_BYTE.repeat(LIMIT) }));
    });
    try {
      const small = createClient({ accessToken: "t".repeat(40), url: srv.url, fetch });
      assertTooLarge(await rejection(getToken(small, ids)), 404);
      assert.is(srv.requests(), 1);
    } finally {
      await srv.close();
    }
  });
}

test.run();
