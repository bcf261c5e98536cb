/**
 * `job.results$` without rxjs and with it: a plain subscribable that the batch entry hands out
 * so that it needs no rxjs, which rxjs' `from()` adopts through the `Symbol.observable`
 * interop, and `batchResults(job)` from the events entry, the typed rxjs bridge. Real jobs
 * against the embedded server.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { filter, from, lastValueFrom, toArray } from "rxjs";
import { type BatchResult, deleteTokens } from "../src/batch/mod.ts";
import { batchResults } from "../src/events/mod.ts";
import { fixture, itemsOf } from "./batch-fixture.ts";

test("subscribe(fn) sees every result once; unsubscribe stops delivery, the job goes on", async () => {
  const { server, client } = await fixture(1, 6);
  try {
    const job = deleteTokens(client, itemsOf(server, server.instanceIds), { concurrency: 1 });
    const all: BatchResult[] = [];
    const firstTwo: BatchResult[] = [];
    let completed = false;
    job.results$.subscribe({ next: (r) => all.push(r), complete: () => (completed = true) });
    const subscription = job.results$.subscribe((r) => {
      firstTwo.push(r);
      if (firstTwo.length === 2) subscription.unsubscribe();
    });
    const report = await job;
    assert.is(report.succeeded, 6);
    assert.is(all.length, 6);
    assert.equal(new Set(all.map((r) => r.key)).size, 6, "each item once");
    assert.ok(completed, "complete was called");
    assert.is(firstTwo.length, 2, "nothing after unsubscribe");
  } finally {
    await server.close();
  }
});

test("rxjs from(job.results$) and batchResults(job) are Observables of the same results", async () => {
  const { server, client } = await fixture(2, 4);
  try {
    const job = deleteTokens(client, itemsOf(server, server.instanceIds));
    const [a] = server.instanceIds as [string];
    // The cast is for the types only (rxjs types its interop key with a global we do not
    // declare); at run time from() takes the "@@observable" method, there is no iterator.
    const viaFrom = lastValueFrom(
      from(job.results$ as never as AsyncIterable<BatchResult>).pipe(toArray()),
    );
    const ofA = lastValueFrom(
      batchResults(job).pipe(filter((r) => r.key.startsWith(`${a}/`)), toArray()),
    );
    await job;
    const all = await viaFrom;
    assert.is(all.length, 8);
    const onlyA = await ofA;
    assert.is(onlyA.length, 4);
    assert.ok(onlyA.every((r) => r.key.startsWith(`${a}/`)));
  } finally {
    await server.close();
  }
});

test("a job that rejects errors its subscribers and batchResults", async () => {
  const { server, client } = await fixture(1, 1);
  try {
    // An unknown option key: the job rejects before sending anything.
    const job = deleteTokens(client, itemsOf(server, server.instanceIds), {
      concurency: 2,
    } as never);
    let plainError: unknown;
    job.results$.subscribe({ error: (e) => (plainError = e) });
    const viaRx = lastValueFrom(batchResults(job)).then(() => "completed", (e) => e);
    const rejected = await job.then(() => undefined, (e) => e);
    assert.ok(rejected instanceof Error, "the job rejects");
    assert.is(plainError, rejected);
    assert.is(await viaRx, rejected);
    assert.is(server.requests.filter((r) => r.method === "DELETE").length, 0);
  } finally {
    await server.close();
  }
});

test.run();
