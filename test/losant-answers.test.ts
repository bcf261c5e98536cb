// What Losant really sends (../shared/losant-api/README.md): a 429 whose wait is only in its
// message, a 400 VersionNotAllowed, and an older API refusing defaultRole/orgRoles. Each is
// reproduced by the embedded server's status faults with Losant's own bodies.
import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  createClient,
  createToken,
  getToken,
  LosantApiError,
  patchToken,
  type RetryInfo,
} from "../mod.ts";
import { type FakeLosant, startFakeLosant } from "../src/testing/mod.ts";
import { createFakeClock, settle } from "./support/fake-clock.ts";

let server: FakeLosant;
let accessToken: string;
let params: { instanceId: string; apiTokenId: string };
test.before(async () => {
  server = await startFakeLosant({ seed: { instances: 1, tokensPerInstance: 2 } });
  accessToken = server.issueAccessToken(["all.Instance"]).token;
  const instanceId = server.instanceIds[0];
  params = { instanceId, apiTokenId: server.store.listTokens(instanceId)[0].id };
});
test.after(() => server.close());
test.before.each(() => {
  server.faults.clear();
  server.clearRequests();
});

const throttled = (seconds: number) => ({
  type: "TooManyRequestsError",
  message: `Over rate limit, request throttled. Retry in ${seconds} seconds`,
});

test("a 429 with no Retry-After header: the wait in Losant's message is honoured", async () => {
  server.faults.add({ action: "get", status: 429, body: throttled(2) });
  const retries: RetryInfo[] = [];
  const clock = createFakeClock();
  const client = createClient({
    accessToken,
    url: server.url,
    clock,
    timeout: 0,
    retry: { retries: 1, minTimeout: 1, maxTimeout: 1, onRetry: (i) => void retries.push(i) },
  });
  const call = getToken(client, params);
  while (retries.length === 0) await settle();
  // The retry waits on the client's clock for the 2 s the message named, and not 1 ms less.
  await clock.advance(1_999);
  assert.is(server.requests.length, 1, "retried before the wait named in the message");
  await clock.advance(1);
  const token = await call;
  assert.is(token.id, params.apiTokenId);
  assert.is(retries.length, 1);
  assert.ok(retries[0].delayMs >= 2_000, `waited ${retries[0].delayMs} ms, not the 2 s named`);
  assert.is((retries[0].reason as LosantApiError).retryAfter, "2");
  assert.is(server.requests.length, 2);
});

test("a 429 whose message names a wait beyond maxRetryAfter fails at once with retryAt", async () => {
  server.faults.add({ action: "get", status: 429, body: throttled(120) });
  const client = createClient({ accessToken, url: server.url, retry: { maxRetryAfter: 10_000 } });
  const error = await getToken(client, params).then(() => undefined, (e) => e);
  assert.is((error as Error).name, "LosantRetryAfterError");
  assert.is(server.requests.length, 1);
});

test("400 VersionNotAllowed says what to do: set acceptVersion", async () => {
  server.faults.add({
    action: "get",
    status: 400,
    body: { type: "VersionNotAllowed", message: "Version ^9.0.0 is not allowed" },
  });
  const client = createClient({ accessToken, url: server.url, acceptVersion: "^9.0.0" });
  const error = await getToken(client, params).then(() => undefined, (e) => e);
  assert.instance(error, LosantApiError);
  assert.is((error as LosantApiError).statusCode, 400);
  assert.is((error as LosantApiError).type, "VersionNotAllowed");
  assert.match((error as Error).message, /Accept-Version \^9\.0\.0/);
  assert.match((error as Error).message, /set the client's acceptVersion/);
  assert.is(server.requests.length, 1, "not retried");
});

test("a patch with defaultRole/orgRoles refused by an API older than 1.30 says so", async () => {
  const older = {
    type: "Validation",
    message: "apiToken should NOT have additional properties",
  };
  const client = createClient({ accessToken, url: server.url, retry: false });
  server.faults.add({ action: "patch", status: 400, body: older });
  const error = await patchToken(client, { ...params, apiToken: { defaultRole: "none" } }).then(
    () => undefined,
    (e) => e,
  );
  assert.instance(error, LosantApiError);
  assert.match((error as Error).message, /need Losant API 1\.30 or later/);
  // The same refusal of a patch without roles is not about versions: no such hint.
  server.faults.add({ action: "patch", status: 400, body: older });
  const plain = await patchToken(client, { ...params, apiToken: { name: "x" } }).then(
    () => undefined,
    (e) => e,
  );
  assert.not.match((plain as Error).message, /1\.30/);
});

test("a create with defaultRole refused by an API older than 1.30 says so too; a get never does", async () => {
  const older = { type: "Validation", message: "apiToken should NOT have additional properties" };
  const client = createClient({ accessToken, url: server.url, retry: false });
  server.faults.add({ action: "create", status: 400, body: older });
  const apiToken = { name: "roles", scope: ["all.Instance.read"], defaultRole: "view" as const };
  const error = await createToken(client, { instanceId: params.instanceId, apiToken }).then(
    () => undefined,
    (e) => e,
  );
  assert.instance(error, LosantApiError);
  assert.match((error as Error).message, /need Losant API 1\.30 or later/);
  // The hint is the patch's and the create's: the same answer to a get has none.
  server.faults.add({ action: "get", status: 400, body: older });
  const read = await getToken(client, params).then(() => undefined, (e) => e);
  assert.instance(read, LosantApiError);
  assert.not.match((read as Error).message, /1\.30/);
});

test.run();
