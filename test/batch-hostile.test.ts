/**
 * Batch hangs and slow stops (issue "Hostile input…", item 6), each rule against the
 * embedded server over real sockets, asserted on events and the server's request log:
 * a throwing callback never leaks a slot; abort cancels at once every item not on the wire,
 * retry waits included; the job's signal reaches a selectTokens input; no request starts
 * after a 401; a hostile item fails alone; consecutive 403s stop one instance only.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { LosantValidationError, onRequestEvent, type RequestEvent } from "../mod.ts";
import { deleteTokens, patchTokens, selectTokens } from "../src/batch/mod.ts";
import { fakeClockClient, fixture, itemsOf } from "./batch-fixture.ts";
import { drive } from "./support/fake-clock.ts";

/** Every request event of a client, in order. */
function record(client: Parameters<typeof onRequestEvent>[0]): RequestEvent[] {
  const events: RequestEvent[] = [];
  onRequestEvent(client, (e) => events.push(e));
  return events;
}

for (const concurrency of [1, 4]) {
  test(`an onStart that throws fails its item, stops the job with a reason, leaks no slot (concurrency ${concurrency})`, async () => {
    const { server, client } = await fixture(1, 6);
    try {
      const items = itemsOf(server, server.instanceIds);
      let calls = 0;
      const report = await deleteTokens(client, items, {
        concurrency,
        onStart: () => {
          calls++;
          throw new Error("disk full");
        },
      });
      assert.is(report.total, 6, "every item has a result");
      assert.is(report.stopped?.type, "CallbackFailed");
      assert.match(report.stopped!.message, /onStart threw: disk full/);
      const failed = report.failures.filter((r) => r.type === "CallbackFailed");
      assert.ok(failed.length >= 1 && failed.length === calls, `${failed.length} vs ${calls}`);
      assert.is(report.failed + report.cancelled, 6);
      assert.is(server.requests.filter((r) => r.method === "DELETE").length, 0, "nothing sent");
      assert.is(server.store.listTokens(server.instanceIds[0]!).length, 6);
    } finally {
      await server.close();
    }
  });
}

for (const wait of ["Retry-After", "backoff"] as const) {
  test(`abort cancels at once the items waiting to retry (${wait}): cancelled, nothing applied, nothing sent after`, async () => {
    const { server, accessToken } = await fixture(1, 8);
    try {
      // On a fake clock: "at once" is exact, no fake time passes between the abort and the
      // report, where waiting out the 20 s backoffs or the 30 s Retry-After would move it.
      const { client, clock, inFlight } = fakeClockClient(server, accessToken);
      const events = record(client);
      server.faults.add({
        action: "delete",
        status: 429,
        times: Infinity,
        ...(wait === "Retry-After" ? { retryAfter: 30 } : {}),
      });
      const controller = new AbortController();
      const limited = new Set<string>();
      let abortedAt: number | undefined;
      onRequestEvent(client, (e) => {
        if (e.type === "error" && e.status === 429) limited.add(e.callId);
        // Every item that started has been refused once: all now wait to retry.
        if (limited.size === 4 && abortedAt === undefined) {
          abortedAt = clock.now();
          controller.abort(new Error("operator"));
        }
      });
      let settledAt: number | undefined;
      const job = deleteTokens(client, itemsOf(server, server.instanceIds), {
        concurrency: 2,
        perInstanceConcurrency: 2,
        signal: controller.signal,
        abortGraceMs: 60_000,
        retry: { retries: 5, minTimeout: 20_000, maxTimeout: 20_000, maxRetryAfter: 60_000 },
      }).then((r) => ((settledAt = clock.now()), r));
      const report = await drive(clock, job, inFlight);
      assert.is(report.total, 8);
      assert.is(report.cancelled, 8, JSON.stringify(report.failures));
      assert.is(report.stopped?.type, "Aborted");
      assert.ok(abortedAt !== undefined, "the job was aborted");
      assert.is(settledAt, abortedAt, "the report came at the abort's moment, not after a wait");
      for (const r of report.cancellations) {
        assert.is(r.outcome, undefined, "a 429 means nothing was done: not unknown");
      }
      const waited = report.cancellations.filter((r) => /waiting to retry/.test(r.message!));
      assert.is(waited.length, 4, "the refused items are reported as cancelled while waiting");
      const refusedAt = events.findIndex((e) => e.type === "error" && limited.size === 4);
      assert.ok(refusedAt >= 0);
      const deletes = server.requests.filter((r) => r.method === "DELETE").length;
      assert.is(deletes, 4, "no request after the abort");
      assert.is(server.store.listTokens(server.instanceIds[0]!).length, 8);
      assert.is(clock.pending, 0, "no timer left");
    } finally {
      await server.close();
    }
  });
}

test("the job's signal reaches its selectTokens input: abort during the listing aborts the list call", async () => {
  const { server, client } = await fixture(1, 5);
  try {
    const events = record(client);
    server.faults.add({ action: "list", latencyMs: 30_000 });
    const controller = new AbortController();
    onRequestEvent(client, (e) => {
      if (e.type === "request" && e.action === "listTokensPage") controller.abort();
    });
    const report = await deleteTokens(
      client,
      selectTokens(client, { instanceIds: server.instanceIds }),
      { signal: controller.signal },
    );
    assert.is(report.total, 0);
    assert.is(report.stopped?.type, "Aborted");
    assert.is(report.inputComplete, false);
    // The list call ended with an error (its abort), not with the server's late answer.
    const listEnds = events.filter((e) =>
      e.action === "listTokensPage" && (e.type === "response" || e.type === "error")
    );
    assert.equal(listEnds.map((e) => e.type), ["error"]);
  } finally {
    await server.close();
  }
});

for (const concurrency of [1, 4]) {
  test(`no request starts after a 401 (concurrency ${concurrency})`, async () => {
    const { server, client } = await fixture(1, 12);
    try {
      const events = record(client);
      server.faults.add({ action: "delete", status: 401, times: 1 });
      server.faults.add({ action: "delete", latencyMs: 5, times: Infinity });
      const report = await deleteTokens(client, itemsOf(server, server.instanceIds), {
        concurrency,
      });
      assert.is(report.stopped?.type, "Unauthorized");
      assert.is(report.total, 12);
      const first401 = events.findIndex((e) => e.status === 401);
      assert.ok(first401 >= 0);
      const after = events.slice(first401 + 1).filter((e) => e.type === "request");
      assert.equal(after.map((e) => e.requestId), [], "requests started after the 401");
      if (concurrency === 1) {
        assert.is(report.succeeded, 0, "nothing succeeded after the stop");
        assert.is(server.requests.filter((r) => r.method === "DELETE").length, 1);
      }
    } finally {
      await server.close();
    }
  });
}

test("a hostile item (throwing getter, Proxy) fails alone; total counts every input item", async () => {
  const { server, client } = await fixture(1, 5);
  try {
    const good = itemsOf(server, server.instanceIds);
    const getter = Object.defineProperty({}, "instanceId", {
      get() {
        throw new Error("boom");
      },
      enumerable: true,
    });
    const proxy = new Proxy({}, {
      get() {
        throw new Error("trap");
      },
      ownKeys() {
        throw new Error("trap");
      },
      getOwnPropertyDescriptor() {
        throw new Error("trap");
      },
    });
    const items = [good[0], getter, good[1], proxy, good[2], good[3], good[4]];
    const report = await deleteTokens(client, items as never);
    assert.is(report.total, 7);
    assert.is(report.succeeded, 5);
    assert.is(report.failed, 2);
    assert.equal(report.failures.map((r) => r.index).sort(), [1, 3]);
    assert.is(report.stopped, undefined);
    const patched = await patchTokens(client, [getter, proxy] as never, {
      apiToken: { status: "inactive" },
    });
    assert.is(patched.total, 2);
    assert.is(patched.failed, 2);
  } finally {
    await server.close();
  }
});

test("after 3 consecutive 403s one instance's remaining items are cancelled unsent; others go on", async () => {
  const { server, client } = await fixture(2, 10);
  try {
    const [a, b] = server.instanceIds as [string, string];
    server.faults.add({ action: "delete", instanceId: a, status: 403, times: Infinity });
    const report = await deleteTokens(client, itemsOf(server, [a, b]), { concurrency: 1 });
    assert.is(report.total, 20);
    const toA = server.requests.filter((r) => r.method === "DELETE" && r.instanceId === a);
    assert.is(toA.length, 3, "three 403s, then nothing more to that instance");
    const forbidden = report.cancellations.filter((r) => r.type === "InstanceForbidden");
    assert.is(forbidden.length, 7);
    for (const r of forbidden) assert.ok(r.key.startsWith(`${a}/`));
    assert.is(report.succeeded, 10, "the other instance finished");
    assert.is(server.store.listTokens(b).length, 0);
    assert.is(report.stopped, undefined, "the job itself did not stop");

    server.clearRequests();
    const all = await deleteTokens(client, itemsOf(server, [a]), {
      concurrency: 1,
      stopInstanceAfterForbidden: false,
    });
    assert.is(all.failed, 10);
    assert.is(server.requests.filter((r) => r.method === "DELETE").length, 10);
  } finally {
    await server.close();
  }
});

test("a success between 403s resets the count", async () => {
  const { server, client } = await fixture(1, 8);
  try {
    server.faults.add({ action: "delete", status: 403, times: 2 });
    server.faults.add({ action: "get", status: 403, times: 0 });
    const items = itemsOf(server, server.instanceIds);
    // 403, 403, then successes: the limit of 3 is never reached.
    const report = await deleteTokens(client, items, { concurrency: 1 });
    assert.is(report.failed, 2);
    assert.is(report.succeeded, 6);
    assert.is(report.cancelled, 0);
  } finally {
    await server.close();
  }
});

test("selectTokens and the batch options refuse unknown keys, naming them, sending nothing", async () => {
  const { server, client } = await fixture(1, 3);
  try {
    assert.throws(
      () => selectTokens(client, { instanceIds: server.instanceIds, fitler: "ci-*" } as never),
      (e: unknown) => e instanceof LosantValidationError && /fitler/.test(String(e)),
    );
    const error = await deleteTokens(client, itemsOf(server, server.instanceIds), {
      dryrun: true,
    } as never).catch((e) => e);
    assert.instance(error, LosantValidationError);
    assert.match(String(error), /dryrun/);
    assert.is(server.requests.length, 0);
    assert.is(server.store.listTokens(server.instanceIds[0]!).length, 3, "nothing deleted");
  } finally {
    await server.close();
  }
});

test.run();
