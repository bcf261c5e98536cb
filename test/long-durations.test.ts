/**
 * Durations of 2^31 ms or more (issue 12, class 2) on the real system clock: setTimeout fires
 * such a delay after about 1 ms, so a long `abortGraceMs` aborted at once and a long watch
 * interval polled hundreds of times a second. Each test sets a marker that real time has
 * passed (a server answer delayed by `latencyMs`) and asserts on the order of events: what a
 * long wait must not do, it must not have done by the time the marker arrives.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createClient, getToken } from "../mod.ts";
import { deleteTokens } from "../src/batch/mod.ts";
import { watchTokens } from "../src/events/mod.ts";
import { startFixture } from "./support/fixture.ts";

test("abortGraceMs: 3e9 lets the call in flight finish instead of aborting it at once", async () => {
  const { server, client, instanceId, apiTokenId } = await startFixture();
  try {
    server.faults.add({ action: "delete", latencyMs: 300 });
    const controller = new AbortController();
    const job = deleteTokens(client, [{ instanceId, apiTokenId }], {
      signal: controller.signal,
      abortGraceMs: 3e9,
    });
    const arrived = server.waitFor((log) => log.some((r) => r.method === "DELETE"));
    const report = Promise.resolve(job);
    await arrived;
    controller.abort(new Error("operator"));
    const done = await report;
    assert.is(done.stopped?.type, "Aborted");
    assert.is(done.succeeded, 1, JSON.stringify(done.failures));
    assert.is(server.store.getToken(instanceId, apiTokenId), undefined);
  } finally {
    await server.close();
  }
});

test("watchTokens intervalMs: 2 ** 31 polls once, not again before real time has passed", async () => {
  const { server, client, instanceId, apiTokenId, accessToken } = await startFixture();
  const marker = createClient({ accessToken, url: server.url, retry: false });
  const subscription = watchTokens(client, { instanceIds: [instanceId], intervalMs: 2 ** 31 })
    .subscribe({ error: () => {} });
  try {
    await server.waitFor((log) => log.some((r) => r.action === "list" && r.status === 200));
    // 300 ms of real time: a watch that fired its 2^31 ms wait at once lists ~hundreds of times.
    server.faults.add({ action: "get", latencyMs: 300 });
    await getToken(marker, { instanceId, apiTokenId });
    const lists = server.requests.filter((r) => r.action === "list").length;
    assert.is(lists, 1, `${lists} listings during one 2^31 ms interval`);
  } finally {
    subscription.unsubscribe();
    await server.close();
  }
});

test.run();
