import type { ApiTokenPatch } from "../../../../mod.ts";
import type { BatchReport, BatchResult } from "../../../batch/mod.ts";
import type { Io } from "../../io.ts";
import { printable, table } from "../../output.ts";
import type { BulkPlan, PlannedItem } from "./plan.ts";

/** Result counts of one instance. */
export type Counts = Record<BatchResult["status"], number>;

const nameOf = (item: PlannedItem) =>
  item.token?.name ?? (item.replayed ? "(replayed from the results file)" : item.apiTokenId);

/** What a token's change looks like in a line: `a → b`, or the patch's fields. */
function change(item: PlannedItem): string {
  const patch: ApiTokenPatch | undefined = item.patch;
  if (patch === undefined) return "delete";
  const current = (item.token ?? {}) as Record<string, unknown>;
  return Object.entries(patch)
    .map(([field, value]) =>
      `${field}: ${current[field] === undefined ? "?" : String(current[field])} → ${String(value)}`
    )
    .join(", ");
}

/** The plan, per instance, on stderr: what will be touched, before the question. */
export function printPlan(io: Io, plan: BulkPlan): void {
  const { bulk, items, self } = plan;
  io.err(`${bulk.name}: ${items.length} token(s) selected\n`);
  if (plan.alreadyDone > 0) {
    io.err(`  ${plan.alreadyDone} token(s) already done by the run being resumed: left out\n`);
  }
  for (const instanceId of plan.instances) {
    const mine = items.filter((s) => s.instanceId === instanceId.toLowerCase());
    const names = mine.slice(0, 5).map((s) =>
      bulk.renames ? `${nameOf(s)} → ${s.patch?.name}` : nameOf(s)
    );
    const more = mine.length > names.length ? `, … ${mine.length - names.length} more` : "";
    io.err(
      printable(
        `  instance ${instanceId}: ${mine.length}${
          mine.length ? ` (${names.join(", ")}${more})` : ""
        }`,
      ) + "\n",
    );
    for (const s of mine) {
      if (s.apiTokenId === self) {
        io.err(
          printable(
            `    ! ${s.apiTokenId} (${
              nameOf(s)
            }) is the access token this CLI is using: it runs last`,
          ) + "\n",
        );
      }
    }
  }
}

/**
 * A dry run's answer, per token: what would change and what is already so. `wouldChange`
 * comes from the engine's GET of each token, so it is today's state, not the listing's.
 */
export function printDryRun(
  write: (text: string) => void,
  plan: BulkPlan,
  results: ReadonlyMap<string, BatchResult>,
): void {
  const rows = [["DRY RUN", "INSTANCE", "ID", "NAME", "CHANGE"]];
  for (const item of plan.items) {
    const result = results.get(`${item.instanceId}/${item.apiTokenId}`);
    const verdict = result === undefined
      ? "not checked"
      : result.outcome === "notFound"
      ? "not found"
      : result.status === "failed"
      ? "cannot read"
      : result.wouldChange === false
      ? "no change"
      : `would ${plan.bulk.name}`;
    rows.push([verdict, item.instanceId, item.apiTokenId, nameOf(item), change(item)]);
  }
  write(table(rows));
}

/** The summary after the job: a table per instance, and up to ten failures. */
export function printSummary(
  io: Io,
  plan: BulkPlan,
  report: BatchReport,
  perInstance: ReadonlyMap<string, Counts>,
  options: { dryRun?: boolean; json?: boolean; ndjson?: boolean },
  /** The CLI stopped the job itself and says why in its own words. */
  stoppedByCli = false,
): void {
  // stdout stays machine-readable under --json/--ndjson: the table goes to stderr then.
  const write = options.json || options.ndjson ? io.err : io.out;
  // THROTTLED: the instance's requests answered 429 (each retried): which instance paced the job.
  const rows = [["INSTANCE", "SUCCEEDED", "FAILED", "CANCELLED", "SKIPPED", "THROTTLED"]];
  for (const [instanceId, c] of perInstance) {
    rows.push([
      instanceId,
      String(c.succeeded),
      String(c.failed),
      String(c.cancelled),
      String(c.skipped),
      String(report.throttledByInstance[instanceId] ?? 0),
    ]);
  }
  rows.push([
    "TOTAL",
    String(report.succeeded),
    String(report.failed),
    String(report.cancelled),
    String(report.skipped),
    String(report.throttled),
  ]);
  write(
    `\n${options.dryRun ? "dry run: " : ""}${plan.bulk.name}: ${report.total} token(s) in ${
      (report.durationMs / 1000).toFixed(1)
    } s, ${report.requests} request(s), ${report.throttled} throttled (429)\n`,
  );
  write(table(rows));
  for (const failure of report.failures.slice(0, 10)) {
    io.err(
      printable(
        `  failed ${failure.key}: ${failure.type ?? ""} ${failure.statusCode ?? ""} ${
          failure.message ?? ""
        }`,
      ) + "\n",
    );
  }
  if (report.failures.length > 10) io.err(`  … and ${report.failures.length - 10} more failures\n`);
  if (report.stopped && !stoppedByCli) {
    io.err(printable(`stopped: ${report.stopped.message}`) + "\n");
  }
}

/** The report of a job that had nothing to do, for `--json`. */
export function emptyReport(): Omit<BatchReport, "successes" | "skips"> {
  return {
    total: 0,
    succeeded: 0,
    failed: 0,
    cancelled: 0,
    skipped: 0,
    durationMs: 0,
    failures: [],
    cancellations: [],
    requests: 0,
    throttled: 0,
    throttledByInstance: {},
    inputComplete: true,
  };
}
