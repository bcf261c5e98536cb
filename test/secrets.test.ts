import { test } from "uvu";
import * as assert from "uvu/assert";
import { inspect } from "node:util";
import {
  createClient,
  getToken,
  listTokens,
  LosantApiError,
  LosantNetworkError,
  LosantResponseError,
  LosantRetryAfterError,
  LosantTimeoutError,
  LosantValidationError,
  onRequestEvent,
  onTokenEvent,
  patchToken,
  use,
} from "../mod.ts";
import { startFakeLosant } from "../src/testing/mod.ts";
import { deleteTokens, patchTokens } from "../src/batch/mod.ts";

const ID = "b".repeat(24);

/** Every way a value can end up printed or stored, causes included. */
function renderings(value: unknown): string[] {
  const out = [
    inspect(value, { depth: Infinity }),
    inspect(value, { depth: Infinity, showHidden: true }),
  ];
  out.push(JSON.stringify(value) ?? "", String(value));
  let current: unknown = value;
  for (let depth = 0; current instanceof Error && depth < 10; depth++) {
    out.push(current.stack ?? "", current.message, JSON.stringify(current));
    current = current.cause;
  }
  return out;
}

function assertNoSecret(value: unknown, secret: string, label: string) {
  for (const text of renderings(value)) {
    assert.not.ok(text.includes(secret), `${label} shows the secret:\n${text.slice(0, 400)}`);
  }
}

test("no error class and no client ever shows the access token", async () => {
  const server = await startFakeLosant({ seed: { instances: 1, tokensPerInstance: 2 } });
  try {
    const { token: accessToken } = server.issueAccessToken(["all.Instance"]);
    const instanceId = server.instanceIds[0];
    const apiTokenId = server.store.listTokens(instanceId)[0].id;
    const client = createClient({ accessToken, url: server.url, retry: false });
    const errors: Record<string, unknown> = {};
    const capture = async (name: string, run: () => Promise<unknown>) => {
      try {
        await run();
      } catch (error) {
        errors[name] = error;
      }
    };

    await capture("api 404", () => getToken(client, { instanceId, apiTokenId: ID }));
    await capture(
      "api 401",
      () =>
        getToken(createClient({ accessToken: `${accessToken}x`, url: server.url, retry: false }), {
          instanceId,
          apiTokenId,
        }),
    );
    await capture("validation", () => getToken(client, { instanceId: accessToken, apiTokenId }));
    await capture(
      "validation of options",
      () => Promise.resolve().then(() => createClient({ accessToken, url: "nope" })),
    );
    server.faults.add({ action: "get", stallAfterHeadersMs: 2_000 });
    await capture("timeout", () => getToken(client, { instanceId, apiTokenId }, { timeout: 50 }));
    const closed = createClient({ accessToken, url: "http://127.0.0.1:9", retry: false });
    await capture("network", () => getToken(closed, { instanceId, apiTokenId }));
    server.faults.add({ action: "get", reset: "before" });
    await capture("reset", () => getToken(client, { instanceId, apiTokenId }));
    const garbage = createClient({
      accessToken,
      url: server.url,
      retry: false,
      fetch: () => Promise.resolve(new Response("<html>")),
    });
    await capture("response", () => getToken(garbage, { instanceId, apiTokenId }));
    const echoing = use(client, (ctx, next) => {
      ctx.body = { nmae: "x" };
      return next();
    });
    await capture(
      "server 400",
      () => patchToken(echoing, { instanceId, apiTokenId, apiToken: {} }),
    );
    errors["retry-after"] = new LosantRetryAfterError(
      errors["api 404"] as LosantApiError,
      new Date(Date.now() + 3_600_000),
      60_000,
    );

    assert.instance(errors["api 404"], LosantApiError);
    assert.instance(errors["api 401"], LosantApiError);
    assert.instance(errors["validation"], LosantValidationError);
    assert.instance(errors["validation of options"], LosantValidationError);
    assert.instance(errors["timeout"], LosantTimeoutError);
    assert.instance(errors["network"], LosantNetworkError);
    assert.instance(errors["reset"], LosantNetworkError);
    assert.instance(errors["response"], LosantResponseError);
    assert.instance(errors["server 400"], LosantApiError);
    for (const [name, error] of Object.entries(errors)) assertNoSecret(error, accessToken, name);
    assertNoSecret(client, accessToken, "client");
    assertNoSecret(use(client, (_c, next) => next()), accessToken, "derived client");
  } finally {
    await server.close();
  }
});

test("events, request events, batch results and reports never carry a secret", async () => {
  const server = await startFakeLosant({ seed: { instances: 2, tokensPerInstance: 6 } });
  try {
    const { token: accessToken } = server.issueAccessToken(["all.Instance"]);
    const [a, b] = server.instanceIds;
    const secrets = [
      accessToken,
      ...[a, b].flatMap((id) => server.store.listTokens(id).map((t) => t.token)),
    ];
    // A server that wrongly sends every token's secret back, on every read and write.
    const leaky: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const url = new URL(input instanceof Request ? input.url : String(input));
      const match = url.pathname.match(/^\/instances\/(\w+)\/tokens(?:\/(\w+))?$/);
      if (
        !match || response.status !== 200 || init?.method === "DELETE" ||
        (input as Request).method === "DELETE"
      ) {
        return response;
      }
      const withSecret = (t: { id: string }) => ({
        ...t,
        token: server.store.getToken(match[1], t.id)?.token ?? "eyJ.gone.secret",
      });
      const body = await response.json();
      const leaked = match[2] ? withSecret(body) : { ...body, items: body.items.map(withSecret) };
      return new Response(JSON.stringify(leaked), { status: 200, headers: response.headers });
    };
    const client = createClient({
      accessToken,
      url: server.url,
      fetch: leaky,
      retry: { minTimeout: 1, maxTimeout: 5 },
    });
    const seen: unknown[] = [];
    onTokenEvent(client, (e) => void seen.push(e));
    onRequestEvent(client, (e) => void seen.push(e));

    const first = server.store.listTokens(a)[0];
    const fetched = await getToken(client, { instanceId: a, apiTokenId: first.id });
    assert.is(fetched.token, first.token, "the leaky server really sends secrets");
    for await (const _ of listTokens(client, { instanceId: b })) { /* read every page */ }

    server.faults.add({ action: "patch", status: 503, times: 2 });
    server.faults.add({ action: "delete", status: 404, instanceId: b, times: 1 });
    const patchJob = patchTokens(
      client,
      server.store.listTokens(a).map((t) => ({ instanceId: a, apiTokenId: t.id })),
      { apiToken: { status: "inactive" }, includeTokens: true, keepResults: true },
    );
    patchJob.results$.subscribe((r) => void seen.push(r));
    const deleteJob = deleteTokens(
      client,
      server.store.listTokens(b).map((t) => ({ instanceId: b, apiTokenId: t.id })),
      { keepResults: true, onStart: (entry) => void seen.push(entry) },
    );
    deleteJob.results$.subscribe((r) => void seen.push(r));
    const reports = [await patchJob, await deleteJob];
    assert.is(reports[0].succeeded, 6);
    assert.is(reports[1].failed, 1, "one failure, to have an error in a report");
    assert.ok(seen.length > 40);

    const everything = [...seen, ...reports].map((x) =>
      inspect(x, { depth: Infinity })
    ).join("\n") +
      JSON.stringify([...seen, ...reports]);
    for (const secret of secrets) {
      assert.not.ok(everything.includes(secret), "a secret reached an event, result or report");
    }
    assert.ok(everything.includes("[redacted]"), "event tokens say their secret was removed");
  } finally {
    await server.close();
  }
});

test("the check itself can fail: a value holding the token is caught", () => {
  const secret = "tok_sentinel_123";
  const leaky = new Error("wrapped", { cause: { headers: { authorization: `Bearer ${secret}` } } });
  let caught = false;
  try {
    assertNoSecret(leaky, secret, "leaky");
  } catch {
    caught = true;
  }
  assert.ok(caught);
});

test("errors carry no ky Request, Headers or options", async () => {
  const server = await startFakeLosant({ seed: { instances: 1, tokensPerInstance: 1 } });
  try {
    const { token } = server.issueAccessToken(["all.Instance"]);
    const client = createClient({ accessToken: token, url: server.url, retry: false });
    const error = await getToken(client, { instanceId: server.instanceIds[0], apiTokenId: ID })
      .catch((e) => e);
    for (const value of Object.values(error as object)) {
      assert.not.instance(value, Request);
      assert.not.instance(value, Headers);
      assert.not.instance(value, Response);
    }
    assert.equal(Object.keys(error).sort(), [
      "action",
      "attempts",
      "method",
      "name",
      "path",
      "requestId",
      "retryAfter",
      "statusCode",
      "type",
    ]);
  } finally {
    await server.close();
  }
});

test.run();
