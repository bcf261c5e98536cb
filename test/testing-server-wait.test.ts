import { test } from "uvu";
import * as assert from "uvu/assert";
import { LosantValidationError } from "../src/errors.ts";
import { type FakeLosant, startFakeLosant } from "../src/testing/mod.ts";

let server: FakeLosant;
let token: string;
let instanceId: string;

test.before(async () => {
  server = await startFakeLosant({ seed: { instances: 1, tokensPerInstance: 3 } });
  token = server.issueAccessToken(["all.Instance"]).token;
  instanceId = server.instanceIds[0]!;
});

test.after(async () => {
  await server.close();
});

const tokenUrl = (id: string): string => `${server.url}/instances/${instanceId}/tokens/${id}`;
const send = (id: string, method = "GET"): Promise<Response> =>
  fetch(tokenUrl(id), { method, headers: { authorization: `Bearer ${token}` } });

test("waitFor resolves at once when the condition already holds, with its value", async () => {
  server.clearRequests();
  const value = await server.waitFor(() => "already");
  assert.is(value, "already");
});

test("waitFor resolves when a matching request arrives, ends, or changes the store", async () => {
  server.clearRequests();
  const id = server.store.listTokens(instanceId)[0]!.id;
  server.faults.add({ action: "delete", latencyMs: 50 });
  const arrived = server.waitFor((log) => log.find((r) => r.method === "DELETE"));
  const gone = server.waitFor(() => server.store.getToken(instanceId, id) === undefined);
  const ended = server.waitFor((log) => log.find((r) => r.method === "DELETE" && r.status));
  let settled = false;
  void ended.then(() => (settled = true));
  await Promise.resolve();
  assert.not.ok(settled, "no request yet: the wait must still be pending");
  const res = await send(id, "DELETE");
  await res.json();
  const entry = await arrived;
  assert.is(entry.method, "DELETE");
  assert.is(await gone, true);
  assert.is((await ended).status, 200);
});

test("waitFor rejects on abort, on timeout, on a throwing condition and on close", async () => {
  const controller = new AbortController();
  const aborted = server.waitFor(() => false, { signal: controller.signal });
  controller.abort(new Error("stop waiting"));
  await aborted.then(
    () => assert.unreachable("an aborted wait must reject"),
    (error: Error) => assert.is(error.message, "stop waiting"),
  );
  await server.waitFor(() => false, { timeoutMs: 1 }).then(
    () => assert.unreachable("a wait past its guard must reject"),
    (error: Error) => assert.match(error.message, /did not hold within 1 ms/),
  );
  await server.waitFor(() => {
    throw new Error("bad condition");
  }).then(
    () => assert.unreachable("a throwing condition must reject"),
    (error: Error) => assert.is(error.message, "bad condition"),
  );
  const other = await startFakeLosant({ seed: false });
  const pending = other.waitFor(() => false).then(
    () => assert.unreachable("a close must end pending waits"),
    (error: Error) => assert.match(error.message, /server closed/),
  );
  await other.close();
  await pending;
});

test("options: unknown keys and bad values are refused without quoting the value", async () => {
  const cases: unknown[] = [
    { prot: 8080 },
    { seed: { instances: 1, tokensPerInstanse: 3 } },
    { port: -1 },
    { port: "8080" },
    { apiVersion: "latest-secret-value" },
    { maxPerPage: 0 },
    { clock: { now: "secret-ish" } },
  ];
  for (const options of cases) {
    try {
      // deno-lint-ignore no-explicit-any
      const started = await startFakeLosant(options as any);
      await started.close();
      assert.unreachable(`must refuse ${JSON.stringify(options)}`);
    } catch (error) {
      assert.instance(error, LosantValidationError, JSON.stringify(options));
      const message = (error as Error).message;
      assert.not.match(message, /secret/, "the message must not quote the value");
    }
  }
  const error = await startFakeLosant({ prot: 1 } as never).catch((e: Error) => e);
  assert.match((error as Error).message, /prot/);
});

test.run();
