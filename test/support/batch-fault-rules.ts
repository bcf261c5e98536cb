/**
 * The rules the fault property checks after each job (see batch-fault-scenario.ts), each
 * against the server's own state rather than the report's word: one result per item, a
 * report that adds up, nothing reported done that the server does not have, nothing
 * reported not done that the server has, "unknown" only where a request could have applied,
 * no token changed twice, no request after a stop, a
 * stop that takes no longer than abortGraceMs (of fake time), and nothing left behind (a timer on the clock, a request open on the server).
 */
import type { BatchReport, BatchResult } from "../../src/batch/mod.ts";
import type { FakeLosant, FakeToken } from "../../src/testing/mod.ts";
import type { FakeClock } from "./fake-clock.ts";
import type { Scenario } from "./batch-fault-arbitraries.ts";

/** What the rules compare the reports with. */
export interface Observed {
  server: FakeLosant;
  clock: FakeClock;
  sc: Scenario;
  items: { instanceId: string; apiTokenId: string }[];
  /** Each item's token before the first run. */
  before: Map<string, FakeToken>;
  /** Per token id (lower case), the server-side calls that changed it. */
  changes: Map<string, number>;
  /** Token ids (lower case) with an attempt the client saw end in a way that could apply. */
  couldApply: Set<string>;
  PATCH: { description: string; status: "inactive" };
}

/** What one job left. */
export interface JobRun {
  report: BatchReport;
  results: BatchResult[];
  startsAfterStop: number;
  /** Fake-clock moment the job was told to stop, if it was. */
  stopAt?: number;
  /** Fake-clock moment the job's promise settled. */
  settledAt: number;
}

function fail(where: string, message: string, detail?: unknown): never {
  const more = detail === undefined ? "" : `\n${JSON.stringify(detail, null, 1)}`;
  throw new Error(`${where}: ${message}${more}`);
}

/**
 * Throws on the first rule the job broke. `earlier` is the first run's results, when this is
 * the resumed run: then every item must now be done, exactly once over both runs.
 */
export async function assertRules(
  o: Observed,
  where: string,
  run: JobRun,
  earlier?: BatchResult[],
): Promise<void> {
  const { report, results } = run;
  const n = o.items.length;
  const indices = results.map((r) => r.index).sort((a, b) => a - b);
  const expected = Array.from({ length: n }, (_, i) => i);
  if (JSON.stringify(indices) !== JSON.stringify(expected)) {
    fail(where, `results for indices ${indices.join(",")}, expected one for each of 0..${n - 1}`);
  }
  if (report.total !== n) fail(where, `report.total ${report.total}, input length ${n}`);
  const counted = { succeeded: 0, failed: 0, cancelled: 0, skipped: 0 };
  for (const r of results) counted[r.status]++;
  for (const k of Object.keys(counted) as (keyof typeof counted)[]) {
    if (report[k] !== counted[k]) {
      fail(where, `report.${k} ${report[k]}, results say ${counted[k]}`);
    }
  }

  for (const r of results) {
    const item = o.items[r.index]!;
    const now = o.server.store.getToken(item.instanceId, item.apiTokenId);
    const applied = o.sc.op === "delete"
      ? now === undefined
      : now?.description === o.PATCH.description && now.status === o.PATCH.status;
    const untouched = now !== undefined &&
      JSON.stringify(now) === JSON.stringify(o.before.get(item.apiTokenId));
    const done = r.status === "succeeded" ||
      (r.status === "skipped" && r.outcome === "succeededEarlier");
    if (done && !applied) {
      fail(where, `item ${r.index} reported done, not applied on the server`, r);
    }
    if (!done && r.outcome !== "unknown" && !untouched) {
      fail(
        where,
        `item ${r.index} reported not done (outcome not unknown), but the server has it changed`,
        r,
      );
    }
    // "unknown" only where it is: some attempt for the token ended, as the client saw it, in a
    // way that could have applied it (no answer, a 2xx, a 5xx), not in refusals alone (429,
    // 408, other 4xx, 3xx), which did nothing. What the server sent matters only once read.
    if (r.outcome === "unknown" && !o.couldApply.has(item.apiTokenId.toLowerCase())) {
      fail(
        where,
        `item ${r.index} reported outcome unknown, but every attempt for it was refused`,
        r,
      );
    }
    if (earlier !== undefined) {
      const first = earlier.find((e) => e.index === r.index)!;
      const want = first.status === "succeeded" ? "skipped" : "succeeded";
      if (r.status !== want) {
        fail(where, `item ${r.index}: ${r.status} on resume after ${first.status} first`, {
          first,
          r,
        });
      }
    }
  }
  for (const [id, count] of o.changes) {
    if (count > 1) fail(where, `token ${id} was changed ${count} times on the server`);
  }
  if (run.startsAfterStop > 0) {
    fail(
      where,
      `${run.startsAfterStop} requests started after the job stopped (abort, 401 or stopAfterFailures)`,
    );
  }
  // A stop cancels at once all that is not on the wire; what is gets abortGraceMs at most.
  if (run.stopAt !== undefined && run.settledAt > run.stopAt + o.sc.abortGraceMs) {
    fail(
      where,
      `settled ${run.settledAt - run.stopAt} ms after the stop (abortGraceMs ${o.sc.abortGraceMs})`,
    );
  }
  // Nothing left behind: every request the server saw has ended, no timer is pending.
  await o.server.waitFor((log) => log.every((e) => e.endedAt !== undefined), { timeoutMs: 10_000 })
    .catch(() => fail(where, "a request was still open on the server after the job settled"));
  if (o.clock.pending > 0) fail(where, `${o.clock.pending} timers pending after the job settled`);
}
