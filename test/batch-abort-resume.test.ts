/**
 * Stopping a batch and picking it up again: abort, the grace period, stopAfterFailures, a
 * 401 mid-run, the job's own token last, and resume from the NDJSON of an interrupted run.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createClient, onRequestEvent } from "../mod.ts";
import {
  type BatchResult,
  type BatchStarted,
  deleteTokens,
  patchTokens,
  readResults,
  toNdjson,
} from "../src/batch/mod.ts";
import { loadResume } from "../src/batch/resume.ts";
import { fixture, itemsOf } from "./batch-fixture.ts";

const idOf = (r: BatchResult): string => r.key.split("/")[1]!;

test("abort mid-run: in-flight calls settle, nothing new starts, the rest is cancelled", async () => {
  const { server, client } = await fixture(2, 100);
  try {
    server.faults.add({ action: "delete", latencyMs: 10, times: Infinity });
    const controller = new AbortController();
    const job = deleteTokens(client, itemsOf(server, server.instanceIds), {
      concurrency: 4,
      signal: controller.signal,
      keepResults: true,
    });
    let aborted = false;
    let sentAfterAbort = 0;
    // Sends as the client makes them (after the gate): the server's clock would add the
    // event loop's lag to each arrival.
    const off = onRequestEvent(client, (e) => e.type === "request" && aborted && sentAfterAbort++);
    let seen = 0;
    job.results$.subscribe(() => {
      if (++seen === 20) {
        aborted = true;
        controller.abort(new Error("operator pressed ^C"));
      }
    });
    const report = await job;
    off();

    assert.is(report.stopped?.type, "Aborted");
    assert.match(report.stopped!.message, /operator pressed/);
    assert.is(report.total, 200, "an array input is read to the end");
    assert.is(report.total, report.succeeded + report.failed + report.cancelled + report.skipped);
    assert.is(report.failed, 0, "in-flight calls settled with their real outcome");
    assert.ok(report.succeeded >= 20 && report.succeeded <= 28, `${report.succeeded} succeeded`);
    assert.ok(report.cancellations.every((r) => r.type === "Aborted"));
    const [a, b] = server.instanceIds as [string, string];
    const left = new Set(
      [...server.store.listTokens(a), ...server.store.listTokens(b)].map((t) => t.id),
    );
    assert.ok(
      report.cancellations.every((r) => left.has(idOf(r))),
      "cancelled tokens are untouched",
    );
    assert.ok(report.successes.every((r) => !left.has(idOf(r))), "succeeded tokens are gone");
    assert.is(sentAfterAbort, 0, "no request sent after the abort");
  } finally {
    await server.close();
  }
});

test("calls still in flight after abortGraceMs are aborted and reported with outcome unknown", async () => {
  const { server, client } = await fixture(1, 20);
  try {
    server.faults.add({ action: "delete", latencyMs: 5_000, times: Infinity });
    const controller = new AbortController();
    let sent = 0;
    const off = onRequestEvent(client, (e) => {
      if (e.type === "request" && ++sent === 3) controller.abort();
    });
    const report = await deleteTokens(client, itemsOf(server, server.instanceIds), {
      concurrency: 3,
      signal: controller.signal,
      abortGraceMs: 100,
    });
    off();
    assert.is(report.total, 20);
    assert.is(report.failed, 3);
    assert.is(report.cancelled, 17);
    for (const r of report.failures) {
      assert.is(r.outcome, "unknown");
      assert.is(r.type, "Aborted");
    }
    assert.ok(report.durationMs < 2_000, `took ${report.durationMs} ms: the grace was not applied`);
  } finally {
    await server.close();
  }
});

test("stopAfterFailures stops the batch once that many items failed", async () => {
  const { server, client } = await fixture(1, 50);
  try {
    const [a] = server.instanceIds as [string];
    const missing = Array.from({ length: 10 }, (_, i) => ({
      instanceId: a,
      apiTokenId: `ffffffffffffffffffffff${String(i).padStart(2, "0")}`,
    }));
    const items = [...missing, ...itemsOf(server, [a])];
    const report = await deleteTokens(client, items, { concurrency: 2, stopAfterFailures: 3 });
    assert.is(report.stopped?.type, "TooManyFailures");
    assert.ok(report.failed >= 3 && report.failed <= 6, `${report.failed} failed`);
    assert.ok(report.failures.every((r) => r.statusCode === 404 && r.type === "NotFound"));
    assert.is(report.total, 60);
    assert.is(report.cancelled, 60 - report.failed - report.succeeded);
    assert.ok(report.cancelled >= 50);
    assert.is(server.store.listTokens(a).length, 50 - report.succeeded);
  } finally {
    await server.close();
  }
});

test("a 401 mid-run stops the whole batch; the rest is cancelled as Unauthorized", async () => {
  const { server, client, accessTokenId } = await fixture(2, 100);
  try {
    server.faults.add({ action: "delete", latencyMs: 5, times: Infinity });
    const job = deleteTokens(client, itemsOf(server, server.instanceIds), { concurrency: 4 });
    let seen = 0;
    job.results$.subscribe(() => {
      // The job's access token is revoked by someone else.
      if (++seen === 30) {
        server.store.updateToken(server.adminInstanceId, accessTokenId, { status: "inactive" });
      }
    });
    const report = await job;
    assert.is(report.stopped?.type, "Unauthorized");
    assert.is(report.total, 200);
    assert.ok(report.failed >= 1 && report.failed <= 8, `${report.failed} failed`);
    assert.ok(report.failures.every((r) => r.statusCode === 401));
    assert.ok(report.cancelled >= 150);
    assert.ok(report.cancellations.every((r) => r.type === "Unauthorized"));
    const unauthorized = server.requests.filter((r) => r.status === 401).length;
    assert.is(unauthorized, report.failed, "no request after the 401 but those in flight");
  } finally {
    await server.close();
  }
});

test("the item for the job's own token (selfTokenId) runs last", async () => {
  const { server } = await fixture(1, 30);
  try {
    const [a] = server.instanceIds as [string];
    const self = server.issueAccessToken(["all.Instance"], { instanceId: a });
    const client = createClient({ accessToken: self.token, url: server.url });
    const items = itemsOf(server, [a]);
    // Put the job's own token first, where it would lock the job out.
    items.sort((
      x,
      y,
    ) => (x.apiTokenId === self.apiTokenId ? -1 : y.apiTokenId === self.apiTokenId ? 1 : 0));
    assert.is(items[0]!.apiTokenId, self.apiTokenId);
    const report = await deleteTokens(client, items, {
      concurrency: 4,
      selfTokenId: self.apiTokenId,
    });
    assert.is(report.succeeded, 31, JSON.stringify(report.failures.slice(0, 2)));
    const deletes = server.requests.filter((r) => r.method === "DELETE");
    assert.ok(deletes.at(-1)!.path.endsWith(self.apiTokenId), "own token deleted last");
    assert.is(server.store.listTokens(a).length, 0);
  } finally {
    await server.close();
  }
});

test("resume from the NDJSON of an interrupted run: done items skipped, unknown ones retried", async () => {
  const { server, client } = await fixture(1, 60);
  try {
    const items = itemsOf(server, server.instanceIds);
    // The first delete is applied but its answer is lost, and this run does not retry.
    server.faults.add({ action: "delete", reset: "after" });
    const controller = new AbortController();
    const first = deleteTokens(client, items, {
      concurrency: 2,
      signal: controller.signal,
      retry: false,
    });
    let ndjson = "";
    first.results$.subscribe((r) => {
      ndjson += toNdjson(r);
      if (r.status === "succeeded" && ndjson.split("\n").length > 25) controller.abort();
    });
    const report1 = await first;
    assert.is(report1.stopped?.type, "Aborted");
    const unknown = report1.failures.filter((r) => r.outcome === "unknown");
    assert.is(unknown.length, 1);
    // The process was killed while writing a line.
    ndjson += '{"key":"' + items[59]!.instanceId;

    server.clearRequests();
    const second = deleteTokens(client, items, {
      concurrency: 2,
      resume: readResults(ndjson),
      keepResults: true,
    });
    let ndjson2 = "";
    second.results$.subscribe((r) => (ndjson2 += toNdjson(r)));
    const report2 = await second;
    assert.is(report2.total, 60);
    assert.is(report2.failed, 0, JSON.stringify(report2.failures));
    assert.is(report2.skipped, report1.succeeded);
    assert.ok(report2.skips.every((r) => r.outcome === "succeededEarlier"));
    const again = report2.successes.find((r) => r.key === unknown[0]!.key);
    assert.is(again?.outcome, "alreadyDeleted", "the unknown delete's 404 is this job's own work");
    assert.is(server.store.listTokens(server.instanceIds[0]!).length, 0);
    const skipped = new Set(report2.skips.map(idOf));
    assert.ok(
      server.requests.every((r) => !skipped.has(r.path.split("/").at(-1)!)),
      "nothing sent for them",
    );

    // A third run over both histories has nothing left to do.
    server.clearRequests();
    const report3 = await deleteTokens(client, items, {
      resume: readResults(ndjson + "\n" + ndjson2),
    });
    assert.is(report3.skipped, 60);
    assert.is(server.requests.length, 0);
  } finally {
    await server.close();
  }
});

test("a run killed with deletes in flight: its journal lines let resume finish it exactly", async () => {
  const { server, client } = await fixture(1, 10);
  try {
    const items = itemsOf(server, server.instanceIds);
    // The first two deletes are applied, then their responses stall: the "kill" comes then.
    server.faults.add({ action: "delete", stallAfterHeadersMs: 5_000, times: 2 });
    const controller = new AbortController();
    let file = "";
    const first = deleteTokens(client, items, {
      concurrency: 2,
      signal: controller.signal,
      abortGraceMs: 0,
      onStart: (entry) => (file += toNdjson(entry)),
    });
    first.results$.subscribe((r) => (file += toNdjson(r)));
    const instanceId = server.instanceIds[0]!;
    const applied = () => 10 - server.store.listTokens(instanceId).length;
    await server.waitFor(() => applied() >= 2);
    const killedAt = file; // what a process killed now would have left on disk
    controller.abort();
    await first;

    const started = killedAt.trim().split("\n").map((l) => JSON.parse(l));
    assert.is(applied(), 2);
    assert.equal(started.map((l) => l.status), ["started", "started"]);

    server.faults.clear();
    const report = await deleteTokens(client, items, {
      resume: readResults(killedAt),
      keepResults: true,
    });
    assert.is(report.total, 10);
    assert.is(report.succeeded, 10, JSON.stringify(report.failures));
    const already = report.successes.filter((r) => r.outcome === "alreadyDeleted").map((r) =>
      r.key
    );
    assert.equal(already.sort(), started.map((l) => l.key).sort());
    assert.is(server.store.listTokens(instanceId).length, 0);
  } finally {
    await server.close();
  }
});

test("journal lines come before each first mutating request, carry a patch, and never a dry run", async () => {
  const { server, client } = await fixture(1, 4);
  try {
    const items = itemsOf(server, server.instanceIds).map((item, i) => ({
      ...item,
      apiToken: { name: `renamed-${i}` },
    }));
    const order: string[] = [];
    const off = onRequestEvent(client, (e) => {
      if (e.type === "request" && e.method === "PATCH") order.push(`request ${e.apiTokenId}`);
    });
    const journal: BatchStarted[] = [];
    const onStart = (entry: BatchStarted) => {
      journal.push(entry);
      order.push(`started ${entry.key.split("/")[1]}`);
    };
    await patchTokens(client, items, { dryRun: true, onStart });
    assert.is(journal.length, 0, "a dry run changes nothing, so it journals nothing");
    const report = await patchTokens(client, items, {
      apiToken: { description: "from the options" },
      concurrency: 1,
      onStart,
    });
    off();
    assert.is(report.succeeded, 4);
    assert.equal(
      journal.map((e) => e.apiToken),
      items.map((item) => ({ description: "from the options", ...item.apiToken })),
    );
    // Each item's journal line comes right before its first request.
    assert.equal(
      order,
      items.flatMap((i) => [`started ${i.apiTokenId}`, `request ${i.apiTokenId}`]),
    );
  } finally {
    await server.close();
  }
});

test("resume history: a started line without its result is unknown; with it, the result decides", async () => {
  const ok = { key: "a/1", index: 0, status: "succeeded" as const, outcome: "deleted" as const };
  const bad = { key: "a/2", index: 1, status: "failed" as const, statusCode: 403 };
  const history = await loadResume([
    { key: "a/1", index: 0, status: "started" },
    { key: "a/2", index: 1, status: "started" },
    { key: "a/3", index: 2, status: "started" },
    ok,
    bad,
  ]);
  assert.equal([...history.entries()].sort(), [["a/1", "succeeded"], ["a/3", "unknown"]]);
  // Without the journal, the call in flight at the kill leaves no trace at all.
  assert.equal([...(await loadResume([ok, bad])).entries()], [["a/1", "succeeded"]]);
});

test("an async input stops being read on abort; the report says so", async () => {
  const { server, client } = await fixture(1, 40);
  try {
    const items = itemsOf(server, server.instanceIds);
    const controller = new AbortController();
    let pulled = 0;
    let closed = false;
    const stream = async function* () {
      try {
        for (const item of items) {
          pulled++;
          yield item;
        }
      } finally {
        closed = true;
      }
    };
    const job = deleteTokens(client, stream(), {
      concurrency: 2,
      signal: controller.signal,
      maxBuffered: 4,
    });
    job.results$.subscribe((r) => r.index === 5 && controller.abort());
    const report = await job;
    assert.is(report.inputComplete, false);
    assert.ok(closed, "the async iterator was closed");
    assert.is(report.total, pulled, "every item read has exactly one result");
    assert.ok(pulled < 20, `${pulled} items read ahead`);
  } finally {
    await server.close();
  }
});

test.run();
