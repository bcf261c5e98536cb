/**
 * losant-tokens/batch against the embedded server over real sockets: bulk deletes under
 * faults, selection that survives its own deletes, concurrency measured by the server,
 * validation, dry runs, result streams and token events.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { after, LosantValidationError, onTokenEvent, type TokenEvent, use } from "../mod.ts";
import {
  type BatchResult,
  deleteTokens,
  patchTokens,
  readResults,
  type ResultLine,
  selectTokens,
  toNdjson,
} from "../src/batch/mod.ts";
import { createTokens, fixture, itemsOf, maxInFlight } from "./batch-fixture.ts";

const MUTATING = new Set(["PATCH", "DELETE", "POST"]);

test("1,000 deletes across 5 instances with injected faults: every token gone, report exact", async () => {
  const { server, client, accessToken } = await fixture(5, 200);
  try {
    const items = itemsOf(server, server.instanceIds);
    assert.is(items.length, 1000);
    server.faults.add({ action: "delete", status: 503, times: 25 });
    server.faults.add({ action: "delete", status: 500, times: 10 });
    server.faults.add({ action: "delete", reset: "before", times: 10 });
    // Applied, answer lost: the retry's 404 must count as this job's delete.
    server.faults.add({ action: "delete", reset: "after", times: 10 });
    server.faults.add({
      action: "delete",
      instanceId: server.instanceIds[2],
      status: 429,
      retryAfter: 1,
    });

    const job = deleteTokens(client, items, { concurrency: 16, perInstanceConcurrency: 4 });
    const seen: BatchResult[] = [];
    job.results$.subscribe((r) => seen.push(r));
    const report = await job;

    assert.is(report.total, 1000);
    assert.is(report.succeeded, 1000, JSON.stringify(report.failures.slice(0, 3)));
    assert.is(report.failed + report.cancelled + report.skipped, 0);
    assert.is(report.total, report.succeeded + report.failed + report.cancelled + report.skipped);
    assert.is(seen.length, 1000);
    assert.is(new Set(seen.map((r) => r.key)).size, 1000, "one result per item");
    assert.is(seen.filter((r) => r.outcome === "alreadyDeleted").length, 10);
    assert.ok(seen.every((r) => r.outcome === "deleted" || r.outcome === "alreadyDeleted"));
    for (const id of server.instanceIds) {
      assert.is(server.store.listTokens(id).length, 0, `instance ${id}`);
    }
    // Bun's and Deno's fetch may resend a reset request once under the same x-request-id.
    const attempts = new Set(server.requests.map((r) => r.requestId)).size;
    assert.is(report.requests, attempts, "every attempt passed the gate");
    assert.not.ok(JSON.stringify(report).includes(accessToken));
    assert.equal(report.successes, [], "successes are kept only with keepResults");
  } finally {
    await server.close();
  }
});

test("selectTokens + deleteTokens: 250 ci-* among others, perPage 100: none left, others untouched", async () => {
  const { server, client } = await fixture(2);
  try {
    const [a, b] = server.instanceIds as [string, string];
    createTokens(server, a, 150, "ci-");
    createTokens(server, a, 100, "keep-");
    createTokens(server, b, 100, "ci-");
    createTokens(server, b, 60, "prod-ci-");
    const others = (id: string) =>
      server.store.listTokens(id).filter((t) => !t.name.startsWith("ci-")).sort((x, y) =>
        x.id < y.id ? -1 : 1
      );
    const before = [others(a), others(b)];

    const tokens = selectTokens(client, {
      instanceIds: [a, b],
      filterField: "name",
      filter: "ci-*",
      perPage: 100,
    });
    const report = await deleteTokens(client, tokens, { concurrency: 8 });

    assert.is(report.total, 250);
    assert.is(report.succeeded, 250);
    for (const id of [a, b]) {
      assert.is(server.store.listTokens(id).filter((t) => t.name.startsWith("ci-")).length, 0);
    }
    assert.equal([others(a), others(b)], before, "the other tokens are unchanged");
    // Each instance was listed completely before its first delete.
    for (const id of [a, b]) {
      const log = server.requests.filter((r) => r.instanceId === id);
      const firstDelete = log.findIndex((r) => r.method === "DELETE");
      const lastList = log.findLastIndex((r) => r.action === "list");
      assert.ok(lastList < firstDelete, `instance ${id}: listing finished before deleting`);
      assert.is(log.filter((r) => r.action === "list").length, id === a ? 2 : 1);
    }
  } finally {
    await server.close();
  }
});

test("selectTokens re-lists an instance whose totalCount moves between pages", async () => {
  const { server, client } = await fixture(1);
  try {
    const [a] = server.instanceIds as [string];
    createTokens(server, a, 25, "ci-");
    // Someone else adds a token right after the first page of the first listing is read.
    let pages = 0;
    const racing = use(
      client,
      after((ctx) => {
        if (ctx.action === "listTokensPage" && ++pages === 1) {
          server.store.createToken(a, { name: "ci-late" });
        }
      }),
    );
    const ids: string[] = [];
    for await (
      const item of selectTokens(racing, { instanceIds: [a], filter: "ci-*", perPage: 10 })
    ) {
      ids.push(item.apiTokenId);
    }
    assert.is(ids.length, 26);
    assert.equal(ids, [...ids].sort(), "sorted by id");
    // Listing 1: page 0, then page 1 shows the moved count; listing 2: pages 0, 1, 2.
    assert.is(server.requests.filter((r) => r.action === "list").length, 5, "listed twice");
  } finally {
    await server.close();
  }
});

test("observed concurrency never exceeds concurrency or perInstanceConcurrency", async () => {
  const { server, client } = await fixture(4, 60);
  try {
    server.faults.add({ action: "delete", latencyMs: 15, times: Infinity });
    const report = await deleteTokens(client, itemsOf(server, server.instanceIds), {
      concurrency: 6,
      perInstanceConcurrency: 2,
    });
    assert.is(report.succeeded, 240);
    const deletes = server.requests.filter((r) => r.method === "DELETE");
    const overall = maxInFlight(deletes);
    assert.ok(overall <= 6, `max in flight ${overall} > 6`);
    assert.ok(overall >= 5, `max in flight ${overall}: the limit was not used`);
    for (const id of server.instanceIds) {
      const per = maxInFlight(deletes.filter((r) => r.instanceId === id));
      assert.ok(per <= 2, `instance ${id}: ${per} > 2`);
    }
  } finally {
    await server.close();
  }
});

test("an item that fails validation is a failed result; the rest proceed", async () => {
  const { server, client, accessToken } = await fixture(1, 5);
  try {
    const [a] = server.instanceIds as [string];
    const ids = server.store.listTokens(a).map((t) => t.id);
    const items = [
      { instanceId: a, apiTokenId: ids[0]!, apiToken: { name: "renamed-0" } },
      { instanceId: "not-an-id", apiTokenId: ids[1]!, apiToken: { name: "x" } },
      { instanceId: a, apiTokenId: ids[2]!, apiToken: { nmae: "typo" } },
      { instanceId: a, apiTokenId: ids[3]!, apiToken: { name: "renamed-3" } },
      { instanceId: a, apiTokenId: accessToken, apiToken: { name: "secret in the wrong field" } },
    ];
    // deno-lint-ignore no-explicit-any
    const report = await patchTokens(client, items as any, { keepResults: true });
    assert.is(report.total, 5);
    assert.is(report.succeeded, 2);
    assert.is(report.failed, 3);
    const byIndex = new Map(report.failures.map((r) => [r.index, r]));
    assert.is(byIndex.get(1)?.type, "LosantValidationError");
    assert.match(byIndex.get(1)!.message!, /instanceId/);
    assert.is(byIndex.get(1)?.key, `not-an-id/${ids[1]}`);
    assert.is(byIndex.get(4)?.key, `${a}/?`, "a secret is never echoed into a key");
    assert.match(byIndex.get(2)!.message!, /apiToken\.nmae: is not a known field/);
    assert.not.ok(JSON.stringify(report).includes(accessToken), "no secret in the report");
    assert.is(server.store.getToken(a, ids[3]!)?.name, "renamed-3");
    assert.is(server.requests.filter((r) => r.method === "PATCH").length, 2);
  } finally {
    await server.close();
  }
});

test("bad options reject the job (no synchronous throw), and nothing is sent", async () => {
  const { server, client } = await fixture(1, 2);
  try {
    const items = itemsOf(server, server.instanceIds);
    // deno-lint-ignore no-explicit-any
    const bad = { concurrency: 0 } as any;
    const job = deleteTokens(client, items, bad); // must not throw here
    await job.then(
      () => assert.unreachable("resolved"),
      (e: unknown) => assert.ok(e instanceof LosantValidationError, String(e)),
    );
    await patchTokens(client, items, { apiToken: { colour: "red" } as never }).then(
      () => assert.unreachable("resolved"),
      (e: unknown) => assert.match(String(e), /colour/),
    );
    // A misspelt dryRun must never delete: the unknown key is named, nothing is sent.
    const typo = deleteTokens(client, items, { dryrun: true } as never);
    const error = await typo.catch((e: unknown) => e);
    assert.ok(error instanceof LosantValidationError, String(error));
    assert.match(String(error), /dryrun/);
    assert.is(server.requests.length, 0, "nothing sent");
    assert.is(server.store.listTokens(server.instanceIds[0]!).length, 2, "nothing deleted");
    // Not iterable: a TypeError, as a rejection too.
    await deleteTokens(client, 42 as never).then(
      () => assert.unreachable("resolved"),
      (e: unknown) => assert.instance(e, TypeError),
    );
  } finally {
    await server.close();
  }
});

test("a job is a Promise: .then, .catch and .finally; a rejected job ends results with its error", async () => {
  const { server, client } = await fixture(1, 3);
  try {
    const items = itemsOf(server, server.instanceIds);
    let finallyRan = false;
    const report = await deleteTokens(client, items).finally(() => (finallyRan = true));
    assert.ok(finallyRan);
    assert.is(report.succeeded, 3);
    const caught = await deleteTokens(client, items, { concurrency: -1 }).catch((e) => e);
    assert.instance(caught, LosantValidationError);
    const failing = deleteTokens(client, items, { maxBuffered: 0 });
    const seen: unknown[] = [];
    try {
      for await (const r of failing.results) seen.push(r);
      assert.unreachable("iteration ended without the error");
    } catch (e) {
      assert.instance(e, LosantValidationError);
    }
    assert.equal(seen, []);
    const observed = await new Promise((resolve) =>
      failing.results$.subscribe({ error: resolve, complete: () => resolve("completed") })
    );
    assert.instance(observed, LosantValidationError);
    assert.is(Object.prototype.toString.call(failing), "[object BatchJob]");
  } finally {
    await server.close();
  }
});

test("dry run: 'validate' sends nothing; true only GETs and reports wouldChange", async () => {
  const { server, client } = await fixture(1, 4);
  try {
    const [a] = server.instanceIds as [string];
    const ids = server.store.listTokens(a).map((t) => t.id);
    server.store.updateToken(a, ids[0]!, { status: "inactive" });
    server.store.updateToken(a, ids[1]!, { status: "active" });
    const missing = "0123456789abcdef01234567";
    const items = [...ids.slice(0, 2), missing].map((apiTokenId) => ({
      instanceId: a,
      apiTokenId,
    }));
    const before = server.store.snapshot();
    server.clearRequests();

    const validated = await patchTokens(client, items, {
      dryRun: "validate",
      apiToken: { status: "inactive" },
    });
    assert.is(validated.skipped, 3);
    assert.is(server.requests.length, 0, "validate sends nothing");

    const job = patchTokens(client, items, {
      dryRun: true,
      apiToken: { status: "inactive" },
      includeTokens: true,
    });
    const results: BatchResult[] = [];
    for await (const r of job.results) results.push(r);
    const report = await job;
    assert.is(report.skipped, 3);
    assert.ok(results.every((r) => r.dryRun === true && r.status === "skipped"));
    const byId = new Map(results.map((r) => [r.key.split("/")[1], r]));
    assert.is(byId.get(ids[0])?.wouldChange, false);
    assert.is(byId.get(ids[1])?.wouldChange, true);
    assert.is(byId.get(ids[1])?.token?.id, ids[1]);
    assert.is(byId.get(missing)?.outcome, "notFound");

    const deletes = await deleteTokens(client, items, { dryRun: true });
    assert.is(deletes.skipped, 3);
    assert.is(
      server.requests.filter((r) => MUTATING.has(r.method)).length,
      0,
      "nothing mutating sent",
    );
    assert.equal(server.store.snapshot(), before);
  } finally {
    await server.close();
  }
});

test("results stream as NDJSON and read back; token events fire as for single calls", async () => {
  const { server, client } = await fixture(2, 10);
  try {
    const events: TokenEvent[] = [];
    const off = onTokenEvent(client, (e) => events.push(e));
    const job = deleteTokens(client, itemsOf(server, server.instanceIds), { concurrency: 4 });
    let ndjson = "";
    job.results$.subscribe((r) => (ndjson += toNdjson(r)));
    const iterated: BatchResult[] = [];
    for await (const r of job.results) iterated.push(r);
    const report = await job;
    off();
    assert.is(iterated.length, 20);
    const parsed: ResultLine[] = [];
    for await (const r of readResults(ndjson)) parsed.push(r);
    assert.equal(parsed, iterated);
    assert.is(events.filter((e) => e.type === "deleted").length, report.succeeded);
  } finally {
    await server.close();
  }
});

test("readResults joins chunks and skips a half-written last line", async () => {
  const lines = [
    toNdjson({ key: "a/b", index: 0, status: "succeeded", outcome: "deleted" }),
    toNdjson({ key: "a/c", index: 1, status: "failed", outcome: "unknown" }),
    '{"key":"a/d","ind',
  ].join("");
  const bytes = new TextEncoder().encode(lines);
  async function* chunks() {
    for (let i = 0; i < bytes.length; i += 7) yield bytes.slice(i, i + 7);
  }
  const out: ResultLine[] = [];
  for await (const r of readResults(chunks())) out.push(r);
  assert.equal(out.map((r) => r.key), ["a/b", "a/c"]);
  const fromLines: ResultLine[] = [];
  for await (const r of readResults(lines.split("\n"))) fromLines.push(r);
  assert.is(fromLines.length, 2);
});

test.run();
