/**
 * Issue 12's second property, as one scenario: a generated batch (delete or patch, 1–12 items
 * over 1–3 instances) against the embedded server with a generated sequence of faults
 * (resets before and after the change, 429 and 503 with every Retry-After form and Losant's
 * message-only "Retry in N seconds", 5xx, 401/403, stalls after the headers) and an abort at
 * a generated moment, all on one fake clock shared by the server's rate logic and the client.
 * Then the same items again with `resume` and no faults. `checkScenario` throws on the first
 * broken rule; test/batch-fault-property.test.ts runs it under fast-check.
 */
import fc from "fast-check";
import { faultSpec, PATCH, type Scenario, scenarioArb } from "./batch-fault-arbitraries.ts";
import { createClient, onRequestEvent } from "../../mod.ts";
import { deleteTokens, patchTokens } from "../../src/batch/mod.ts";
import type { BatchReport, BatchResult, ResultLine } from "../../src/batch/mod.ts";
import type { FakeLosant } from "../../src/testing/mod.ts";
import { startFakeLosant } from "../../src/testing/mod.ts";
import { createFakeClock, drive, type FakeClock } from "./fake-clock.ts";
import { assertRules, type JobRun, type Observed } from "./batch-fault-rules.ts";

/** Counts, per token, the server-side calls that really changed it (a delete that removed it, a patch that changed a field). */
function countChanges(server: FakeLosant): Map<string, number> {
  const changes = new Map<string, number>();
  const bump = (id: string) =>
    changes.set(id.toLowerCase(), (changes.get(id.toLowerCase()) ?? 0) + 1);
  const store = server.store;
  const { deleteToken, updateToken } = store;
  store.deleteToken = (instanceId, tokenId) => {
    const removed = deleteToken(instanceId, tokenId);
    if (removed) bump(tokenId);
    return removed;
  };
  store.updateToken = (instanceId, tokenId, changesGiven) => {
    const before = store.getToken(instanceId, tokenId);
    const after = updateToken(instanceId, tokenId, changesGiven);
    if (before && after) {
      const { lastUpdated: _a, ...was } = before;
      const { lastUpdated: _b, ...now } = after;
      if (JSON.stringify(was) !== JSON.stringify(now)) bump(tokenId);
    }
    return after;
  };
  return changes;
}

/**
 * Runs one job on the fake clock, watching what the client sends: attempts on the wire (for
 * `drive`), the fake moment the job was told to stop (abort, a 401, the failure that reached
 * stopAfterFailures) and the one it settled at, and whether any attempt started after the stop.
 */
async function runJob(
  server: FakeLosant,
  clock: FakeClock,
  sc: Scenario,
  items: { instanceId: string; apiTokenId: string }[],
  extra: {
    couldApply: Set<string>;
    signal?: AbortSignal;
    resume?: ResultLine[];
    onRequest?: (n: number) => void;
    onResult?: (n: number) => void;
  },
): Promise<
  JobRun & { lines: ResultLine[] }
> {
  const accessToken = server.issueAccessToken(["all.Instance"]).token;
  const client = createClient({
    accessToken,
    url: server.url,
    clock,
    timeout: sc.timeout,
    retry: { retries: sc.retries, minTimeout: sc.minTimeout, maxTimeout: sc.minTimeout * 8 },
  });
  let onWire = 0;
  let requests = 0;
  let stopAt: number | undefined;
  let startsAfterStop = 0;
  const stopNow = () => (stopAt ??= clock.now());
  extra.signal?.addEventListener("abort", stopNow, { once: true });
  onRequestEvent(client, (e) => {
    if (e.type === "request") {
      if (stopAt !== undefined) startsAfterStop++;
      onWire++;
      extra.onRequest?.(++requests);
    } else if (e.type === "response" || e.type === "error") {
      onWire--;
      if (e.status === 401) stopNow();
      const refused = e.status !== undefined && e.status >= 300 && e.status < 500;
      if (!refused && e.apiTokenId !== undefined) extra.couldApply.add(e.apiTokenId.toLowerCase());
    }
  });
  const lines: ResultLine[] = [];
  const results: BatchResult[] = [];
  // The resumed run must finish everything: no stop rule of its own.
  const stopAfter = extra.resume === undefined ? sc.stopAfterFailures : undefined;
  const options = {
    concurrency: sc.concurrency,
    perInstanceConcurrency: sc.perInstanceConcurrency,
    abortGraceMs: sc.abortGraceMs,
    onStart: (entry: ResultLine) => lines.push(entry),
    ...(sc.ratePerInstance === undefined ? {} : { ratePerInstance: sc.ratePerInstance }),
    ...(stopAfter === undefined ? {} : { stopAfterFailures: stopAfter }),
    ...(extra.signal === undefined ? {} : { signal: extra.signal }),
    ...(extra.resume === undefined ? {} : { resume: extra.resume }),
    ...(sc.maxBuffered === undefined ? {} : { maxBuffered: sc.maxBuffered }),
    ...(sc.progressIntervalMs === undefined
      ? {}
      : { progressIntervalMs: sc.progressIntervalMs, onProgress: () => {} }),
  };
  const job = sc.op === "delete"
    ? deleteTokens(client, items, options)
    : patchTokens(client, items, { ...options, apiToken: PATCH });
  let failed = 0;
  job.results$.subscribe((r) => {
    results.push(r);
    lines.push(r);
    // The failure that reaches stopAfterFailures stops the job: nothing may start after it.
    if (r.status === "failed" && ++failed === stopAfter) stopNow();
    extra.onResult?.(results.length);
  });
  // A consumer of the iterator too, that may leave its loop early: it must not hold the job.
  if (sc.iterate !== undefined) {
    const { breakAfter } = sc.iterate;
    void (async () => {
      let seen = 0;
      for await (const _ of job.results) if (++seen === breakAfter) break;
    })().catch(() => {});
  }
  // A request the server holds in a stall waits for the clock (the client's timeout), not for work.
  const stalled = () =>
    server.requests.filter((r) =>
      (r.fault === "stall" || r.fault === "trickle") && r.endedAt === undefined
    ).length;
  let settledAt = NaN;
  const settled = Promise.resolve(job).then((report) => ((settledAt = clock.now()), report));
  // A job that never settles would let a progress timer move the clock forever: two hours of
  // fake time (beyond the longest run a scenario can ask for, ~40 min of Retry-After waits
  // one after another) end the run as a failure instead.
  let cancelWatchdog = () => {};
  const watchdog = new Promise<never>((_, reject) => {
    cancelWatchdog = clock.setTimer(
      () => reject(new Error(`the job did not settle within two hours of fake time`)),
      7_200_000,
    );
  });
  const report = await drive(clock, Promise.race([settled, watchdog]), () => onWire > stalled())
    .finally(() => cancelWatchdog());
  return { report, results, lines, startsAfterStop, stopAt, settledAt };
}

const VERBOSE = (globalThis as { process?: { env: Record<string, string | undefined> } })
  .process?.env.FC_VERBOSE === "1";

/** One line per run with FC_VERBOSE=1: what the faults did and how the items ended. */
function summary(server: FakeLosant, report: BatchReport, results: BatchResult[]): string {
  const tally = (values: (string | undefined)[]) => {
    const t: Record<string, number> = {};
    for (const v of values) if (v !== undefined) t[v] = (t[v] ?? 0) + 1;
    return JSON.stringify(t);
  };
  return `requests ${server.requests.length} faults ${
    tally(server.requests.map((r) => r.fault))
  } ` +
    `results ${tally(results.map((r) => `${r.status}:${r.outcome ?? r.type ?? ""}`))} ` +
    `stopped ${report.stopped?.type ?? "-"}`;
}

/** Runs the scenario and throws (an AssertionError-like Error) on the first rule broken. */
export async function checkScenario(sc: Scenario): Promise<void> {
  if (VERBOSE) console.error(`scenario ${JSON.stringify(sc)}`);
  const clock = createFakeClock();
  const server = await startFakeLosant({
    seed: { instances: sc.instances, tokensPerInstance: 0 },
    clock,
  });
  try {
    const ids = server.instanceIds;
    const items = sc.items.map((i) => ({
      instanceId: ids[i]!,
      apiTokenId: server.store.createToken(ids[i]!).id,
    }));
    const before = new Map(
      items.map((it) => [it.apiTokenId, server.store.getToken(it.instanceId, it.apiTokenId)!]),
    );
    const changes = countChanges(server);
    for (const gen of sc.faults) server.faults.add(faultSpec(gen, sc.op, ids, items, clock));

    const controller = new AbortController();
    let cancelAbort = () => {};
    if (sc.abort !== undefined && "atMs" in sc.abort) {
      cancelAbort = clock.setTimer(() => controller.abort(new Error("operator")), sc.abort.atMs);
    }
    const after = sc.abort !== undefined && "afterRequests" in sc.abort
      ? sc.abort.afterRequests
      : undefined;
    const afterResults = sc.abort !== undefined && "afterResults" in sc.abort
      ? sc.abort.afterResults
      : undefined;
    const couldApply = new Set<string>();
    const first = await runJob(server, clock, sc, items, {
      couldApply,
      signal: controller.signal,
      onRequest: (n) => n === after && controller.abort(new Error("operator")),
      onResult: (n) => n === afterResults && controller.abort(new Error("operator")),
    });
    cancelAbort();
    const observed: Observed = { server, clock, sc, items, before, changes, couldApply, PATCH };
    if (VERBOSE) console.error(summary(server, first.report, first.results));
    await assertRules(observed, "first run", first);

    // The same job again, resumed from what the first run wrote, on a server that behaves.
    server.faults.clear();
    const second = await runJob(server, clock, sc, items, { couldApply, resume: first.lines });
    await assertRules(observed, "resumed run", second, first.results);
  } finally {
    await server.close();
  }
}

/**
 * Runs the property: `runs` scenarios from `seed`; resolves with how many held. The first failing scenario is printed
 * (with the seed) to stderr before fast-check shrinks it, so a run cut short still says how
 * to replay it.
 */
export async function runFaultProperty(runs: number, seed: number): Promise<number> {
  let reported = false;
  let checked = 0;
  await fc.assert(
    fc.asyncProperty(scenarioArb, async (sc) => {
      try {
        await checkScenario(sc);
        checked++;
      } catch (error) {
        if (!reported) {
          reported = true;
          console.error(`fault property failed (seed ${seed}): ${JSON.stringify(sc)}\n${error}`);
        }
        throw error;
      }
    }),
    { numRuns: runs, seed },
  );
  return checked;
}
