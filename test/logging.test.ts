import { test } from "uvu";
import * as assert from "uvu/assert";
import pino from "pino";
import {
  createClient,
  deleteToken,
  getToken,
  listTokensPage,
  LosantApiError,
  LosantNetworkError,
  LosantResponseError,
  LosantRetryAfterError,
  LosantTimeoutError,
  LosantValidationError,
  patchToken,
  withLogging,
} from "../mod.ts";
import { patchTokens } from "../src/batch/mod.ts";
import { errorRecord, requestRecord } from "../src/logging/log-record.ts";
import { isLogger, silentLogger } from "../src/logging/logger.ts";
import { coreOf } from "../src/client.ts";
import { startFakeLosant } from "../src/testing/mod.ts";
import { runCli } from "./support/spawn-cli.ts";

// Log lines are JSON checked field by field.
// deno-lint-ignore no-explicit-any
type Json = any;

/** A pino logger at its most verbose level, writing into an array. */
function capture(): { logger: pino.Logger; lines: string[]; records: () => Json[] } {
  const lines: string[] = [];
  const logger = pino({ level: "trace" }, { write: (line: string) => void lines.push(line) });
  return { logger, lines, records: () => lines.map((l) => JSON.parse(l)) };
}

async function expectError<E>(
  run: () => Promise<unknown>,
  type: new (...args: never[]) => E,
): Promise<E> {
  try {
    await run();
  } catch (error) {
    assert.instance(error, type);
    return error as E;
  }
  throw new Error(`expected ${type.name}`);
}

test("a full run logs each attempt, retry and failure, and never a secret", async () => {
  const server = await startFakeLosant({ seed: { instances: 2, tokensPerInstance: 12 } });
  try {
    const { logger, lines, records } = capture();
    const { token: accessToken } = server.issueAccessToken(["all.Instance"]);
    const [instanceId, other] = server.instanceIds;
    const tokens = server.store.listTokens(instanceId);
    const secrets = [accessToken, ...server.store.listTokens(instanceId).map((t) => t.token)];
    const apiTokenId = tokens[0].id;
    // A server that (wrongly) sends a token's secret in a GET: it must still not be logged.
    const leaky: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const url = String(input instanceof Request ? input.url : input);
      if (!url.includes(`/tokens/${apiTokenId}`) || response.status !== 200) return response;
      const body = await response.json();
      return new Response(JSON.stringify({ ...body, token: tokens[0].token }), {
        status: 200,
        headers: response.headers,
      });
    };
    const client = withLogging(
      createClient({
        accessToken,
        url: server.url,
        fetch: leaky,
        retry: { minTimeout: 5, maxTimeout: 20, maxRetryAfter: 2_000 },
      }),
      logger,
    );

    // Single calls, one with retries.
    server.faults.add({ action: "get", status: 503, times: 2 });
    const fetched = await getToken(client, { instanceId, apiTokenId });
    assert.is(fetched.token, tokens[0].token, "the leaky server did send the secret");
    await patchToken(client, { instanceId, apiTokenId, apiToken: { description: "logged" } });
    await listTokensPage(client, { instanceId, perPage: 5 });

    // Every error class.
    await expectError(
      () => getToken(client, { instanceId, apiTokenId: "a".repeat(24) }),
      LosantApiError,
    );
    await expectError(
      () => getToken(client, { instanceId: "nope", apiTokenId }),
      LosantValidationError,
    );
    const bad = withLogging(
      createClient({
        accessToken: `${accessToken}x`,
        url: server.url,
        retry: false,
      }),
      logger,
    );
    await expectError(() => getToken(bad, { instanceId, apiTokenId }), LosantApiError);
    server.faults.add({ action: "get", reset: "before", times: 1 });
    await expectError(
      () => getToken(client, { instanceId, apiTokenId }, { retry: false }),
      LosantNetworkError,
    );
    server.faults.add({ action: "get", stallAfterHeadersMs: 500, times: 1 });
    await expectError(
      () => getToken(client, { instanceId, apiTokenId }, { retry: false, timeout: 100 }),
      LosantTimeoutError,
    );
    server.faults.add({ action: "delete", status: 200, body: { unexpected: true }, times: 1 });
    await expectError(
      () => deleteToken(client, { instanceId, apiTokenId: tokens[1].id }),
      LosantResponseError,
    );
    server.faults.add({ action: "get", status: 429, retryAfter: 3600, times: 1 });
    await expectError(() => getToken(client, { instanceId, apiTokenId }), LosantRetryAfterError);

    // A batch through retries.
    server.faults.add({ action: "patch", instanceId: other, status: 503, times: 3 });
    const items = server.store.listTokens(other).map((t) => ({
      instanceId: other,
      apiTokenId: t.id,
    }));
    const report = await patchTokens(client, items, {
      apiToken: { status: "inactive" },
      concurrency: 4,
    });
    assert.is(report.succeeded, items.length);
    secrets.push(...server.store.listTokens(other).map((t) => t.token));

    const all = lines.join("");
    for (const secret of secrets) assert.not.ok(all.includes(secret), "a secret reached the log");
    assert.not.ok(/bearer/i.test(all), "an Authorization header reached the log");

    // And it logged what it should, at the levels it should.
    const recs = records();
    const debug = recs.filter((r) => r.level === 20);
    const warn = recs.filter((r) => r.level === 40);
    const error = recs.filter((r) => r.level === 50);
    const firstGet = debug.filter((r) => r.action === "getToken" && r.apiTokenId === apiTokenId);
    assert.equal(firstGet.slice(0, 3).map((r) => [r.attempt, r.status]), [[1, 503], [2, 503], [
      3,
      200,
    ]]);
    for (const r of debug) {
      for (
        const field of [
          "action",
          "method",
          "path",
          "attempt",
          "durationMs",
          "instanceId",
          "requestId",
        ]
      ) {
        assert.ok(r[field] !== undefined, `debug line has ${field}`);
      }
    }
    assert.ok(warn.length >= 2 + 3, `retries at warn (${warn.length})`);
    assert.ok(warn.every((r) => typeof r.delayMs === "number" && r.error?.type));
    const errorTypes = new Set(error.map((r) => r.error.type));
    for (
      const type of [
        "LosantApiError",
        "LosantNetworkError",
        "LosantTimeoutError",
        "LosantResponseError",
        "LosantRetryAfterError",
      ]
    ) {
      assert.ok(errorTypes.has(type), `final ${type} at error`);
    }
    assert.ok(error.some((r) => r.status === 401));
    const summary = recs.find((r) => r.level === 30 && r.msg === "batch finished");
    assert.ok(summary, "the batch summary at info");
    assert.is(summary.batch, "patchTokens");
    assert.is(summary.total, items.length);
    assert.is(summary.succeeded, items.length);
  } finally {
    await server.close();
  }
});

test("records are allow-listed: no headers, no body, no cause", () => {
  const error = new LosantApiError(500, "ServerError", "boom", {
    cause: { authorization: "Bearer s3cret" },
  });
  (error as unknown as Record<string, unknown>).headers = { authorization: "Bearer s3cret" };
  const record = errorRecord(error);
  assert.equal(Object.keys(record).sort(), ["losantType", "message", "statusCode", "type"]);
  const ctx = {
    action: "getToken",
    callId: "c1",
    params: { secret: "s3cret" },
    instanceId: "i",
    method: "GET",
    path: "/p",
    query: {},
    headers: { authorization: "Bearer s3cret" },
    body: { token: "s3cret" },
    attempt: 1,
    timeout: 0,
    retry: false,
    state: { token: "s3cret" },
  } as const;
  const text = JSON.stringify(requestRecord(ctx as never, { error }));
  assert.not.ok(text.includes("s3cret"));
  assert.ok(text.includes("ServerError"));
});

test("withLogging's logger is checked; the silent default logs nothing and costs no stage", () => {
  assert.ok(isLogger(pino({ level: "silent" })));
  assert.ok(isLogger(console));
  assert.not.ok(isLogger({ info() {} }));
  const client = createClient({ accessToken: "t" });
  try {
    withLogging(client, { info() {} } as never);
    assert.unreachable("a logger without debug/warn/error is refused");
  } catch (error) {
    assert.instance(error, LosantValidationError);
    assert.match((error as Error).message, /logger/);
  }
  assert.is(coreOf(client).logging, undefined, "a client without a logger has no logging stage");
  const silent = withLogging(client, silentLogger);
  assert.is(coreOf(silent).logging, undefined, "a silent logger adds no stage either");
  const logged = withLogging(client, pino({ level: "debug" }));
  assert.ok(coreOf(logged).logging, "a logger that writes adds the stages");
  assert.is(coreOf(client).logging, undefined, "the original client is unchanged");
});

test("the removed createClient logger option fails with the way forward, and logs nothing", () => {
  const { logger, lines } = capture();
  try {
    createClient({ accessToken: "t", logger } as never);
    assert.unreachable("the logger option was accepted");
  } catch (error) {
    assert.instance(error, LosantValidationError);
    const issue = (error as LosantValidationError).issues[0]!;
    assert.is(issue.path, "logger");
    assert.match(issue.message, /withLogging\(createClient\(options\), logger\)/);
  }
  assert.equal(lines, []);
});

test("the CLI's --verbose log has attempts and a summary, and no access token", async () => {
  const server = await startFakeLosant({ seed: { instances: 1, tokensPerInstance: 6 } });
  try {
    const { token } = server.issueAccessToken(["all.Instance"]);
    const [instanceId] = server.instanceIds;
    server.faults.add({ action: "patch", status: 503, times: 1 });
    const active = server.store.listTokens(instanceId).filter((t) => t.status === "active");
    const r = await runCli(
      ["--url", server.url, "--verbose", "deactivate", "--instance", instanceId, "--all", "--yes"],
      { env: { LOSANT_API_TOKEN: token } },
    );
    assert.is(r.code, 0, r.stderr);
    assert.not.ok(r.stderr.includes(token) || r.stdout.includes(token));
    const logs = r.stderr.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
    assert.ok(logs.some((l) => l.level === 20 && l.action === "patchToken" && l.durationMs >= 0));
    assert.ok(logs.some((l) => l.level === 40 && l.status === 503));
    const summary = logs.find((l) => l.level === 30 && l.msg === "batch finished");
    assert.ok(summary, "the batch summary at info");
    assert.ok(active.length > 0);
    assert.is(summary.succeeded, active.length);
  } finally {
    await server.close();
  }
});

test.run();
