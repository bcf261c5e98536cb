// The retry stage against the embedded server over real sockets: injected statuses,
// Retry-After, stalls, resets, aborts and deadlines, then a seeded chaos run.
import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  before,
  type Client,
  type ClientOptions,
  createClient,
  deleteToken,
  getToken,
  LosantApiError,
  LosantRetryAfterError,
  LosantTimeoutError,
  patchToken,
  type RetryInfo,
} from "../mod.ts";
import { type FakeLosant, type RequestLogEntry, startFakeLosant } from "../src/testing/mod.ts";

let server: FakeLosant;
let accessToken: string;
let instanceId: string;
let tokenIds: string[];
let next = 0;

test.before(async () => {
  server = await startFakeLosant({ seed: { instances: 1, tokensPerInstance: 60 } });
  accessToken = server.issueAccessToken(["all.Instance"]).token;
  instanceId = server.instanceIds[0];
  tokenIds = server.store.listTokens(instanceId).map((t) => t.id);
});
test.after(() => server.close());
test.before.each(() => {
  server.faults.clear();
  server.clearRequests();
});

/** A client with millisecond backoff, so retries cost no test time. */
const clientFor = (options: Partial<ClientOptions> = {}): Client =>
  createClient({
    accessToken,
    url: server.url,
    retry: { minTimeout: 2, maxTimeout: 5 },
    ...options,
  });

/** A fresh token for each test, so no test sees another's changes. */
const fresh = () => ({ instanceId, apiTokenId: tokenIds[next++] });

const distinctIds = (entries: RequestLogEntry[] = server.requests) =>
  new Set(entries.map((e) => e.requestId)).size;

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to reject");
}

test("each retryable status recovers, one request per attempt", async () => {
  const client = clientFor();
  for (const status of [408, 429, 500, 502, 503, 504]) {
    server.clearRequests();
    server.faults.add({ action: "get", status, times: 2 });
    const params = fresh();
    const token = await getToken(client, params);
    assert.is(token.id, params.apiTokenId);
    assert.equal(server.requests.map((e) => e.status), [status, status, 200], `${status}`);
    assert.is(distinctIds(), 3, `${status}`);
  }
});

test("each non-retryable status fails after exactly one attempt", async () => {
  const client = clientFor();
  for (const status of [400, 401, 403, 404, 409, 422]) {
    server.clearRequests();
    server.faults.add({ action: "get", status });
    const error = await rejection(getToken(client, fresh()));
    assert.instance(error, LosantApiError);
    assert.is((error as LosantApiError).statusCode, status);
    assert.is((error as LosantApiError).attempts, 1);
    assert.is(server.requests.length, 1, `${status}`);
    assert.is(distinctIds(), 1);
  }
});

test("after the last attempt: that attempt's error, attempts and earlier errors", async () => {
  server.faults.add({ action: "get", status: 502 });
  server.faults.add({ action: "get", status: 503, times: 2 });
  const error = await rejection(getToken(clientFor(), fresh(), { retry: { retries: 2 } }));
  assert.instance(error, LosantApiError);
  const api = error as LosantApiError;
  assert.is(api.statusCode, 503);
  assert.is(api.attempts, 3);
  assert.equal(api.previousErrors?.map((e) => (e as LosantApiError).statusCode), [502, 503]);
  assert.is(api.requestId, server.requests[2].requestId);
  assert.is(distinctIds(), 3);
});

test("retry: false per call makes one attempt; onRetry is told each exact delay", async () => {
  server.faults.add({ action: "get", status: 503 });
  await rejection(getToken(clientFor(), fresh(), { retry: false }));
  assert.is(server.requests.length, 1);

  server.faults.add({ action: "get", status: 500, times: 2 });
  const told: RetryInfo[] = [];
  await getToken(clientFor(), fresh(), { retry: { onRetry: (info) => told.push(info) } });
  assert.equal(told.map((i) => i.attempt), [2, 3]);
  for (const info of told) assert.ok(info.delayMs >= 2 && info.delayMs <= 5, `${info.delayMs}`);
  assert.is((told[0].reason as LosantApiError).statusCode, 500);
});

test("Retry-After in seconds: the retry starts no earlier than the 429's time plus them", async () => {
  server.faults.add({ action: "get", status: 429, retryAfter: 1 });
  await getToken(clientFor(), fresh());
  const [limited, retried] = server.requests;
  assert.is(limited.status, 429);
  assert.is(retried.status, 200);
  const named = limited.endedAt! + 1_000;
  assert.ok(retried.startedAt >= named, `retried ${named - retried.startedAt} ms early`);
  assert.ok(retried.startedAt <= named + 2_000, `retried ${retried.startedAt - named} ms late`);
});

test("Retry-After as an HTTP-date: the retry starts no earlier than that moment", async () => {
  // Whole seconds, as an HTTP-date has, at least a second away.
  const at = new Date(Math.ceil((Date.now() + 1_000) / 1_000) * 1_000);
  server.faults.add({ action: "patch", status: 503, retryAfter: at.toUTCString() });
  const params = fresh();
  await patchToken(clientFor(), { ...params, apiToken: { description: "after a 503" } });
  const [unavailable, retried] = server.requests;
  assert.is(unavailable.status, 503);
  assert.ok(
    retried.startedAt >= at.getTime(),
    `retried ${at.getTime() - retried.startedAt} ms early`,
  );
  assert.ok(retried.startedAt <= at.getTime() + 2_000, "retried too late");
  assert.is(server.store.getToken(instanceId, params.apiTokenId)?.description, "after a 503");
});

test("a Retry-After beyond maxRetryAfter fails at once with retryAt", async () => {
  server.faults.add({ action: "get", status: 503, retryAfter: 3_600 });
  const before = Date.now();
  const error = await rejection(getToken(clientFor(), fresh()));
  assert.instance(error, LosantRetryAfterError);
  assert.instance(error, LosantApiError);
  const retryAt = (error as LosantRetryAfterError).retryAt.getTime();
  assert.ok(retryAt >= before + 3_600_000 && retryAt <= Date.now() + 3_600_000);
  assert.is((error as LosantRetryAfterError).attempts, 1);
  assert.is(server.requests.length, 1);
});

test("an abort during a request rejects at once with signal.reason itself", async () => {
  server.faults.add({ action: "get", latencyMs: 30_000 });
  const controller = new AbortController();
  const reason = new Error("operator pressed ctrl-c");
  const call = getToken(clientFor(), fresh(), { signal: controller.signal });
  await server.waitFor((log) => log.length === 1);
  const started = Date.now();
  controller.abort(reason);
  assert.is(await rejection(call), reason);
  assert.ok(Date.now() - started < 5_000, "the abort did not settle the call promptly");
  assert.is(server.requests.length, 1);
});

test("an abort during a backoff sleep rejects at once with signal.reason itself", async () => {
  server.faults.add({ action: "get", status: 503 });
  const controller = new AbortController();
  const reason = { stoppedBy: "test" };
  const client = clientFor({ retry: { minTimeout: 30_000, maxTimeout: 30_000 } });
  let sleeping!: () => void;
  const slept = new Promise<void>((resolve) => (sleeping = resolve));
  const call = getToken(client, fresh(), {
    signal: controller.signal,
    retry: { onRetry: () => setTimeout(sleeping, 0) },
  });
  await slept;
  const started = Date.now();
  controller.abort(reason);
  assert.is(await rejection(call), reason);
  assert.ok(Date.now() - started < 5_000, "the abort did not end the sleep promptly");
  assert.is(server.requests.length, 1);
});

test("an already aborted signal sends nothing", async () => {
  const reason = new Error("too late");
  const error = await rejection(
    getToken(clientFor(), fresh(), { signal: AbortSignal.abort(reason) }),
  );
  assert.is(error, reason);
  assert.is(server.requests.length, 0);
});

test("the per-attempt timeout retries a slow server, and fails alone without retries", async () => {
  server.faults.add({ action: "get", latencyMs: 10_000 });
  const params = fresh();
  const token = await getToken(clientFor(), params, { timeout: 200 });
  assert.is(token.id, params.apiTokenId);
  assert.is(distinctIds(), 2);

  server.clearRequests();
  server.faults.add({ action: "get", latencyMs: 10_000 });
  const error = await rejection(getToken(clientFor({ timeout: 200 }), fresh(), { retry: false }));
  assert.instance(error, LosantTimeoutError);
  assert.is((error as LosantTimeoutError).timeoutMs, 200);
  assert.is(server.requests.length, 1);
});

test("the per-attempt timeout covers a server that stalls after the headers", async () => {
  server.faults.add({ action: "get", stallAfterHeadersMs: 10_000 });
  const params = fresh();
  const token = await getToken(clientFor(), params, { timeout: 200 });
  assert.is(token.id, params.apiTokenId);
  assert.equal(server.requests.map((e) => e.fault), ["stall", undefined]);
  assert.is(distinctIds(), 2);
  // Over the default transport, which on Node is node:http: Node's own fetch (undici) would
  // have sent sec-fetch-mode (test/default-fetch.test.ts).
  const isNode = !("Deno" in globalThis) && !("Bun" in globalThis);
  if (isNode) assert.not.ok(server.requests[0]!.headers["sec-fetch-mode"], "Node's fetch sent it");
});

/** A full garbage collection where the runtime lets a test ask for one. */
async function collector(): Promise<(() => void) | undefined> {
  const g = globalThis as { gc?: () => void; Bun?: { gc(full: boolean): void } };
  if (g.Bun !== undefined) return () => g.Bun!.gc(true);
  if (typeof g.gc === "function") return g.gc;
  try {
    const v8 = await import("node:v8");
    const vm = await import("node:vm");
    v8.setFlagsFromString("--expose-gc");
    const gc = vm.runInNewContext("gc");
    return typeof gc === "function" ? gc : undefined;
  } catch {
    return undefined;
  }
}

test("the per-attempt timeout still fires when a GC runs while the body is awaited", async () => {
  const gc = await collector();
  server.faults.add({ action: "get", stallAfterHeadersMs: 10_000 });
  let headersArrived!: () => void;
  const arrived = new Promise<void>((resolve) => (headersArrived = resolve));
  const client = clientFor({
    timeout: 500,
    fetch: async (input, init) => {
      const response = await globalThis.fetch(input, init);
      headersArrived();
      return response;
    },
  });
  const call = getToken(client, fresh(), { retry: false });
  await arrived;
  // Let ky hand the response back and drop its own references, then collect.
  await new Promise((resolve) => setTimeout(resolve, 0));
  gc?.();
  assert.instance(await rejection(call), LosantTimeoutError);
});

test("the deadline ends a call that no attempt can finish, retries included", async () => {
  server.faults.add({ action: "get", latencyMs: 10_000, times: Infinity });
  const started = Date.now();
  const error = await rejection(getToken(clientFor(), fresh(), { deadline: 300, timeout: 100 }));
  assert.instance(error, LosantTimeoutError);
  assert.ok(Date.now() - started < 5_000, "the deadline did not end the call");
  assert.ok(server.requests.length >= 2, "the attempts before the deadline were not retried");
});

test("the deadline fails at once when the next attempt could not start before it", async () => {
  server.faults.add({ action: "get", status: 503, retryAfter: 2 });
  const error = await rejection(
    getToken(clientFor(), fresh(), { deadline: new Date(Date.now() + 1_000) }),
  );
  assert.instance(error, LosantApiError);
  assert.is((error as LosantApiError).statusCode, 503);
  assert.is(server.requests.length, 1);
});

/** One GET first, so the delete would go out on a reused keep-alive connection. */
async function warmConnection(client: Client): Promise<void> {
  await getToken(client, fresh());
  server.clearRequests();
}

test("a reset before the delete: retried, the token is gone, nothing happens twice", async () => {
  const client = clientFor();
  await warmConnection(client);
  const params = fresh();
  server.faults.add({ action: "delete", reset: "before" });
  const result = await deleteToken(client, params);
  assert.equal(result, { success: true });
  assert.is(server.store.getToken(instanceId, params.apiTokenId), undefined);
  assert.equal(server.requests.map((e) => e.status), [undefined, 200]);
  assert.is(distinctIds(), server.requests.length, "a request id was sent twice");
});

test("a reset after the delete was applied: resolves alreadyDeleted, nothing twice", async () => {
  const client = clientFor();
  await warmConnection(client);
  const params = fresh();
  server.faults.add({ action: "delete", reset: "after" });
  const result = await deleteToken(client, params);
  assert.equal(result, { success: true, alreadyDeleted: true });
  assert.is(server.store.getToken(instanceId, params.apiTokenId), undefined);
  assert.equal(server.requests.map((e) => e.status), [undefined, 404]);
  // Deno's and Bun's fetch would resend the first attempt with the same id on a reused
  // connection; the transport gives deletes a connection of their own so they cannot.
  assert.is(distinctIds(), server.requests.length, "the runtime resent a delete");
});

test("a delete's 404 on the first attempt stays an error", async () => {
  const params = fresh();
  server.store.deleteToken(instanceId, params.apiTokenId);
  const error = await rejection(deleteToken(clientFor(), params));
  assert.is((error as LosantApiError).statusCode, 404);
  assert.is(server.requests.length, 1);
});

test("a delete that timed out after the server applied it resolves alreadyDeleted", async () => {
  const params = fresh();
  server.faults.add({ action: "delete", stallAfterHeadersMs: 10_000 });
  const result = await deleteToken(clientFor(), params, { timeout: 200 });
  assert.equal(result, { success: true, alreadyDeleted: true });
  assert.is(distinctIds(), 2);
});

test("a patch is retried with the identical body", async () => {
  const client = clientFor();
  await warmConnection(client);
  const params = fresh();
  server.faults.add({ action: "patch", reset: "after" });
  server.faults.add({ action: "patch", status: 502 });
  const apiToken = { name: "rotated", description: "retried", status: "inactive" as const };
  const token = await patchToken(client, { ...params, apiToken });
  assert.is(token.description, "retried");
  const patches = server.requests.filter((e) => e.method === "PATCH");
  assert.is(new Set(patches.map((e) => e.requestId)).size, 3);
  for (const entry of patches) assert.equal(entry.body, apiToken);
  const { "x-request-id": _first, ...headers } = patches[0].headers;
  const { "x-request-id": _last, ...lastHeaders } = patches[2].headers;
  assert.equal(lastHeaders, headers);
});

// ---------------------------------------------------------------------------------------
// Chaos: 500 calls, ~30% of attempts faulted, against a model of what each call must do.

type FaultKind =
  | "408"
  | "429"
  | "500"
  | "502"
  | "503"
  | "504"
  | "reset-before"
  | "reset-after"
  | "stall";
const FAULT_KINDS: FaultKind[] = [
  "408",
  "429",
  "500",
  "502",
  "503",
  "504",
  "reset-before",
  "reset-after",
  "stall",
];
// Faults after which the request may have taken effect with no answer saying so.
const UNKNOWN: ReadonlySet<FaultKind> = new Set([
  "500",
  "502",
  "503",
  "504",
  "reset-before",
  "reset-after",
  "stall",
]);
// Faults the server applies the change under (it handles, then resets or stalls).
const APPLIED: ReadonlySet<FaultKind> = new Set(["reset-after", "stall"]);

interface ChaosCall {
  index: number;
  lane: number;
  tokenId: string;
  op: "get" | "patch" | "delete";
  faults: FaultKind[];
  /** A small latency on the first attempt, on top of its fault. */
  latencyMs: number;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env;

test("chaos: 500 mixed calls under seeded faults resolve as the model predicts", async () => {
  const seed = Number(env?.CHAOS_SEED) || Math.floor(Math.random() * 2 ** 32);
  const lanes = 8;
  const chaos = await startFakeLosant({ seed: { instances: lanes, tokensPerInstance: 12 } });
  try {
    const random = mulberry32(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
    // Each lane owns one instance, so a fault added for a call (matched by instance and
    // action) can only be taken by that call; a lane runs its calls one after another, so
    // no two calls touch one token at once.
    const tokensOf = chaos.instanceIds.map((id) => chaos.store.listTokens(id).map((t) => t.id));
    const calls: ChaosCall[] = Array.from({ length: 500 }, (_, index) => {
      const lane = Math.floor(random() * lanes);
      const r = random();
      const faults: FaultKind[] = [];
      while (faults.length < 3 && random() < 0.3) faults.push(pick(FAULT_KINDS));
      return {
        index,
        lane,
        tokenId: pick(tokensOf[lane]),
        op: r < 0.4 ? "get" : r < 0.8 ? "patch" : "delete",
        faults,
        latencyMs: random() < 0.1 ? Math.ceil(random() * 10) : 0,
      };
    });

    const callIds = new Map<string, string>();
    const client = createClient({
      accessToken: chaos.issueAccessToken(["all.Instance"]).token,
      url: chaos.url,
      timeout: 1_000,
      retry: { retries: 4, minTimeout: 1, maxTimeout: 4 },
      middleware: [before((ctx) => void callIds.set(ctx.apiTokenId!, ctx.callId))],
    });

    // The model: which tokens exist, and each one's description.
    const model = new Map<string, { exists: boolean; description: string | undefined }>();
    for (const [lane, ids] of tokensOf.entries()) {
      for (const id of ids) {
        model.set(id, {
          exists: true,
          description: chaos.store.getToken(chaos.instanceIds[lane], id)!.description,
        });
      }
    }

    const runCall = async (call: ChaosCall): Promise<void> => {
      const instance = chaos.instanceIds[call.lane];
      const where = `call ${call.index} (${call.op} ${call.faults.join(",") || "no faults"})`;
      const handles = [];
      if (call.latencyMs > 0) {
        handles.push(
          chaos.faults.add({ action: call.op, instanceId: instance, latencyMs: call.latencyMs }),
        );
      }
      for (const kind of call.faults) {
        const target = { action: call.op, instanceId: instance };
        if (kind === "reset-before") handles.push(chaos.faults.add({ ...target, reset: "before" }));
        else if (kind === "reset-after") {
          handles.push(chaos.faults.add({ ...target, reset: "after" }));
        } else if (kind === "stall") {
          handles.push(chaos.faults.add({ ...target, stallAfterHeadersMs: 1_500 }));
        } else handles.push(chaos.faults.add({ ...target, status: Number(kind) }));
      }
      const state = model.get(call.tokenId)!;
      const params = { instanceId: instance, apiTokenId: call.tokenId };
      const unknownBefore = call.faults.some((f) => UNKNOWN.has(f));
      let outcome: { ok: true; value: unknown } | { ok: false; error: unknown };
      const description = `chaos ${call.index}`;
      try {
        const value = call.op === "get"
          ? await getToken(client, params)
          : call.op === "patch"
          ? await patchToken(client, { ...params, apiToken: { description } })
          : await deleteToken(client, params);
        outcome = { ok: true, value };
      } catch (error) {
        outcome = { ok: false, error };
      }

      // What the model says this call must do.
      if (!state.exists && !(call.op === "delete" && unknownBefore)) {
        if (outcome.ok) {
          throw new Error(`${where}: expected 404, got ${JSON.stringify(outcome.value)}`);
        }
        assert.is((outcome.error as LosantApiError).statusCode, 404, `${where}: expected 404`);
      } else {
        if (!outcome.ok) {
          throw new Error(`${where}: expected success, got ${String(outcome.error)}`);
        }
        if (call.op === "get") {
          assert.is(
            (outcome.value as { description?: string }).description,
            state.description,
            where,
          );
        } else if (call.op === "patch") {
          assert.is((outcome.value as { description?: string }).description, description, where);
          state.description = description;
        } else {
          const alreadyDeleted = !state.exists || call.faults.some((f) => APPLIED.has(f));
          assert.equal(
            outcome.value,
            alreadyDeleted ? { success: true, alreadyDeleted } : { success: true },
            where,
          );
          state.exists = false;
        }
      }
      for (const handle of handles) {
        assert.is(handle.remaining, 0, `${where}: a fault was not taken`);
      }
      // One request per attempt: every fault cost one attempt, then one more answered.
      const callId = callIds.get(call.tokenId)!;
      const ids = new Set(
        chaos.requests.filter((e) => e.requestId?.startsWith(`${callId}-`)).map((e) => e.requestId),
      );
      assert.is(ids.size, call.faults.length + 1, `${where}: attempts`);
    };

    await Promise.all(
      Array.from({ length: lanes }, async (_, lane) => {
        for (const call of calls) if (call.lane === lane) await runCall(call);
      }),
    );

    // The server's final state equals the model's.
    for (const [lane, ids] of tokensOf.entries()) {
      for (const id of ids) {
        const stored = chaos.store.getToken(chaos.instanceIds[lane], id);
        const expected = model.get(id)!;
        assert.is(stored !== undefined, expected.exists, `token ${id} exists`);
        if (stored) assert.is(stored.description, expected.description, `token ${id} description`);
      }
    }
    // Nothing happened twice: no delete request id reached the server more than once.
    const deletes = chaos.requests.filter((e) => e.method === "DELETE").map((e) => e.requestId);
    assert.is(new Set(deletes).size, deletes.length, "a delete was sent twice");
  } catch (error) {
    console.error(`chaos run failed; rerun with CHAOS_SEED=${seed}`);
    throw error;
  } finally {
    await chaos.close();
  }
});

test.run();
