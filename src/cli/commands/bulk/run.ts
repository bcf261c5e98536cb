import {
  type BatchJob,
  type BatchReport,
  type BatchResult,
  type BatchStarted,
  deleteTokens,
  patchTokens,
  toNdjson,
} from "../../../batch/mod.ts";
import { confirm } from "../../confirm.ts";
import { EXIT } from "../../exit-codes.ts";
import { printJson } from "../../output.ts";
import { createProgressView, type ProgressCounts } from "../../progress.ts";
import type { CommandContext } from "../../run.ts";
import { STOP_EXIT, type StopReason } from "../../stops.ts";
import type { BulkPlan } from "./plan.ts";
import { type Counts, emptyReport, printDryRun, printPlan, printSummary } from "./report.ts";
import { openResultsFile, type ResultsFile } from "./results-file.ts";
import type { BulkOptions } from "./table.ts";

const STOPPED: Record<StopReason, string> = {
  SIGINT: "interrupted",
  SIGTERM: "terminated (SIGTERM)",
  stdout: "stopped: stdout was closed",
  "results-file": "stopped: the results file cannot be written",
};

/**
 * Runs a planned bulk job: shows the plan, asks, runs the engine with progress, writes the
 * results file (a record line, then a journal line before each change and a result line
 * after it), and prints the summary. A stop (Ctrl-C, SIGTERM, a closed stdout, an
 * unwritable results file) lets calls in flight settle and still completes the report.
 *
 * @example
 * return await runBulk(ctx, await planBulk(ctx, bulk, options, ids), options);
 */
export async function runBulk(
  { io, session, stops }: CommandContext,
  plan: BulkPlan,
  options: BulkOptions,
): Promise<number> {
  printPlan(io, plan);
  const dryRun = options.dryRun === true;
  if (plan.items.length === 0) {
    io.err("nothing to do\n");
    if (options.json) printJson(io, { command: plan.bulk.name, dryRun, ...emptyReport() });
    return EXIT.ok;
  }
  if (!dryRun) {
    const instances = new Set(plan.items.map((s) => s.instanceId)).size;
    const own = plan.items.some((s) => s.apiTokenId === plan.self);
    const question = `${plan.bulk.verb} ${plan.items.length} token(s) in ${instances} instance(s)` +
      `${own ? " (including this CLI's own access token, last)" : ""}?`;
    if (!(await confirm(question, { yes: options.yes, stdinUsed: session.stdinUsed }, io))) {
      io.err("declined: nothing changed\n");
      return EXIT.declined;
    }
  }

  const file: ResultsFile | undefined = options.resultsFile === undefined
    ? undefined
    : openResultsFile(options.resultsFile, plan.record, (message) => {
      stops.stop("results-file", message);
      io.err(`error: ${message}\n`);
    });
  const view = createProgressView(io, plan.items.length, plan.bulk.name, {
    live: io.stderrIsTty && !session.verbose,
    concurrency: options.concurrency,
  });
  // A live bar is never drawn over what a stop prints below it.
  stops.signal.addEventListener("abort", () => view.stop(), { once: true });
  const items = plan.items.map((s) => ({
    instanceId: s.instanceId,
    apiTokenId: s.apiTokenId,
    ...(s.patch === undefined ? {} : { apiToken: s.patch }),
  }));
  const batchOptions = {
    concurrency: options.concurrency,
    signal: stops.signal,
    dryRun,
    progressIntervalMs: options.progressInterval,
    onProgress: (p: ProgressCounts) => view.update(p),
    ...(options.ratePerInstance === undefined ? {} : { ratePerInstance: options.ratePerInstance }),
    ...(options.stopAfterFailures === undefined
      ? {}
      : { stopAfterFailures: options.stopAfterFailures }),
    ...(file === undefined ? {} : {
      // Ahead of each change, so a run killed mid-call is resumed exactly. A journal line
      // that cannot be written stops the job, and this change is not sent.
      onStart: (entry: BatchStarted) => {
        if (!file.write(toNdjson(entry))) throw new Error("the results file cannot be written");
      },
    }),
    // The engine runs the CLI's own token after every other.
    ...(plan.self ? { selfTokenId: plan.self } : {}),
    ...(plan.resume ? { resume: plan.resume } : {}),
  };
  const job: BatchJob = plan.bulk.action === "delete"
    ? deleteTokens(session.client, items, batchOptions)
    : patchTokens(session.client, items, batchOptions);

  const perInstance = new Map<string, Counts>();
  const byKey = new Map<string, BatchResult>();
  job.results$.subscribe((result: BatchResult) => {
    const line = toNdjson(result);
    file?.write(line);
    if (options.ndjson) io.out(line);
    if (dryRun) byKey.set(result.key.toLowerCase(), result);
    const instanceId = result.key.split("/")[0];
    const row = perInstance.get(instanceId) ??
      { succeeded: 0, failed: 0, cancelled: 0, skipped: 0 };
    row[result.status] += 1;
    perInstance.set(instanceId, row);
  });
  let report: BatchReport;
  try {
    report = await job;
  } finally {
    view.stop();
    file?.close();
  }
  if (dryRun) printDryRun(options.json || options.ndjson ? io.err : io.out, plan, byKey);
  printSummary(io, plan, report, perInstance, options, stops.reason !== undefined);
  if (options.json) printJson(io, { command: plan.bulk.name, dryRun, ...report });
  if (stops.reason !== undefined) {
    const resumable = options.resultsFile !== undefined && stops.reason !== "results-file";
    io.err(
      `${STOPPED[stops.reason]}: ${report.cancelled} token(s) not done` +
        (resumable ? `; finish with --resume ${options.resultsFile}` : "") + "\n",
    );
    return STOP_EXIT[stops.reason];
  }
  return report.failed > 0 || report.stopped !== undefined ? EXIT.failed : EXIT.ok;
}
