// Every row of docs/retries.md's outcome table, over real sockets: an attempt fails one way,
// the retry gets 404, and the call says "already deleted" only when the first attempt's
// outcome was truly unknown. The connection rows use a small TCP front of the embedded
// server (the server's own faults act after it has read the request).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createConnection, createServer, type Server, type Socket } from "node:net";
import {
  before,
  type Client,
  createClient,
  deleteToken,
  LosantApiError,
  LosantNetworkError,
  type RetryInfo,
} from "../mod.ts";
import { type FakeLosant, startFakeLosant } from "../src/testing/mod.ts";
import type { FaultSpec } from "../src/testing/fault-types.ts";

let server: FakeLosant;
let accessToken: string;
let instanceId: string;
test.before(async () => {
  server = await startFakeLosant({ seed: { instances: 1, tokensPerInstance: 1 } });
  accessToken = server.issueAccessToken(["all.Instance"]).token;
  instanceId = server.instanceIds[0];
});
test.after(() => server.close());
test.before.each(() => {
  server.faults.clear();
  server.clearRequests();
});

const IS_BUN = "Bun" in globalThis;
let counter = 0;
/** A token id no token has, so the retry's 404 is a real "not found". */
const absent = () => ({ instanceId, apiTokenId: (++counter).toString(16).padStart(24, "f") });
const ALREADY_DELETED = { success: true, alreadyDeleted: true };

function clientAt(url: string, more: Parameters<typeof createClient>[0]["middleware"] = []) {
  const retries: RetryInfo[] = [];
  const client: Client = createClient({
    accessToken,
    url,
    timeout: 2_000,
    retry: { retries: 1, minTimeout: 1, maxTimeout: 1, onRetry: (i) => void retries.push(i) },
    middleware: more,
  });
  return { client, retries };
}

/** What the call came to: the result, or the 404 LosantApiError it rejected with. */
async function outcome(client: Client): Promise<unknown> {
  return await deleteToken(client, absent()).catch((error) => {
    assert.instance(error, LosantApiError, String(error));
    assert.is((error as LosantApiError).statusCode, 404, String(error));
    return "404";
  });
}

// ---- answered by the server: each fault hits the first delete, the second gets 404 ----
const statusRows: [string, object, "404" | "alreadyDeleted"][] = [
  ["429 without Retry-After", { status: 429 }, "404"],
  ["429 with Retry-After", { status: 429, retryAfter: 0 }, "404"],
  ["503 with Retry-After", { status: 503, retryAfter: 0 }, "404"],
  ["408", { status: 408 }, "404"],
  ["500", { status: 500 }, "alreadyDeleted"],
  ["502", { status: 502 }, "alreadyDeleted"],
  ["504", { status: 504 }, "alreadyDeleted"],
  ["503 without Retry-After", { status: 503 }, "alreadyDeleted"],
  ["a reset after the request was written", { reset: "after" }, "alreadyDeleted"],
  [
    "a reset after the request was read, before it was applied",
    { reset: "before" },
    "alreadyDeleted",
  ],
];

for (const [name, fault, expected] of statusRows) {
  test(`outcome table: ${name} → then 404 is ${expected}`, async () => {
    server.faults.add({ action: "delete", ...fault } as FaultSpec);
    const { client, retries } = clientAt(server.url);
    const result = await outcome(client);
    assert.equal(result, expected === "404" ? "404" : ALREADY_DELETED);
    assert.is(retries.length, 1, "exactly one retry");
    assert.equal(server.requests.map((r) => r.action), ["delete", "delete"]);
  });
}

test("outcome table: the per-attempt timeout with no answer → then 404 is alreadyDeleted", async () => {
  server.faults.add({ action: "delete", latencyMs: 5_000 });
  const { client } = clientAt(server.url);
  const result = await deleteToken(client, absent(), { timeout: 300 });
  assert.equal(result, ALREADY_DELETED);
});

test("outcome table: another 4xx is not retried; the call fails with it", async () => {
  server.faults.add({ action: "delete", status: 409 });
  const { client, retries } = clientAt(server.url);
  const error = await deleteToken(client, absent()).then(() => undefined, (e) => e);
  assert.is((error as LosantApiError).statusCode, 409);
  assert.is(retries.length, 0);
  assert.is(server.requests.length, 1);
});

// ---- the connection itself: a TCP front that misbehaves on its first connection ----

/** Pipes a client connection to the embedded server. */
function proxy(socket: Socket): void {
  const target = new URL(server.url);
  const upstream = createConnection(Number(target.port), target.hostname);
  socket.pipe(upstream).pipe(socket);
  socket.on("error", () => upstream.destroy()).on("close", () => upstream.destroy());
  upstream.on("error", () => socket.destroy()).on("close", () => socket.destroy());
}

/** A TCP front of the embedded server whose first connection gets `first`. */
async function front(first: (socket: Socket) => void, port = 0): Promise<Server> {
  let connections = 0;
  const tcp = createServer((socket) => (connections++ === 0 ? first : proxy)(socket));
  await new Promise<void>((resolve) => tcp.listen(port, "127.0.0.1", resolve));
  return tcp;
}
const portOf = (s: Server) => (s.address() as { port: number }).port;
const closed = (s: Server) => new Promise((resolve) => s.close(resolve));

test("outcome table: connection refused → not applied: then 404 is a real 404", async () => {
  // A free port, left closed for attempt 1 and listened on before attempt 2 is sent.
  const probe = await front(proxy);
  const port = portOf(probe);
  await closed(probe);
  let live: Server | undefined;
  const { client, retries } = clientAt(`http://127.0.0.1:${port}`, [
    before(async (ctx) => {
      if (ctx.attempt === 2) live = await front(proxy, port);
    }),
  ]);
  try {
    const result = await outcome(client);
    const first = retries[0]?.reason as LosantNetworkError;
    assert.instance(first, LosantNetworkError);
    assert.is(first.requestSent, false, first.message);
    assert.is(result, "404");
    assert.is(server.requests.length, 1, "only attempt 2 reached the server");
  } finally {
    if (live) await closed(live);
  }
});

test("outcome table: a reset while the connection is made → not applied (Node, Deno); Bun: unknown", async () => {
  const tcp = await front((socket) => socket.resetAndDestroy());
  try {
    const { client, retries } = clientAt(`http://127.0.0.1:${portOf(tcp)}`);
    const result = await outcome(client);
    const first = retries[0]?.reason as LosantNetworkError;
    assert.instance(first, LosantNetworkError);
    if (IS_BUN) {
      // Bun reports it like any reset: the safe side, documented in docs/retries.md.
      assert.is(first.requestSent, true);
      assert.equal(result, ALREADY_DELETED);
    } else {
      assert.is(first.requestSent, false, first.message);
      assert.is(result, "404");
    }
    assert.is(server.requests.length, 1, "only attempt 2 reached the server");
  } finally {
    await closed(tcp);
  }
});

test.run();
