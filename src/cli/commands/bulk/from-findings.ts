import { closeSync, openSync, writeSync } from "node:fs";
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
import { EXIT, UsageError } from "../../exit-codes.ts";
import {
  checkFindingsFlags,
  describeTargets,
  FINDINGS_ON_STDIN,
  readFindingTargets,
  staleReason,
} from "../../findings.ts";
import { printJson } from "../../output.ts";
import type { CommandContext } from "../../run.ts";
import { STOP_EXIT } from "../../stops.ts";

/** What `--from-findings` needs of a bulk command's options. */
export interface FromFindingsOptions {
  fromFindings: string;
  instance?: string[];
  instancesFile?: string;
  filter?: string;
  status?: string;
  expired?: boolean;
  all?: boolean;
  resume?: string | true;
  resultsFile?: string;
  dryRun?: boolean;
  yes?: boolean;
  json?: boolean;
  ndjson?: boolean;
  concurrency: number;
}

type Kind = "deactivate" | "activate" | "delete";

const PATCH = {
  deactivate: { status: "inactive" as const },
  activate: { status: "active" as const },
};

/**
 * `<bulk command> --from-findings -|file`: an audit's NDJSON is the selection (see
 * findings.ts). Each token is read again and re-checked against its finding's rule just
 * before it is changed, so a finding gone stale (renewed, rotated, already deleted)
 * changes nothing and is reported as skipped. A run repeated after a crash re-checks too,
 * so it never acts twice.
 *
 * @example
 * // losant-tokens audit --ndjson --rule expired | losant-tokens delete --from-findings - --yes
 * return runFromFindings(ctx, "delete", options);
 */
export async function runFromFindings(
  ctx: CommandContext,
  kind: Kind,
  options: FromFindingsOptions,
): Promise<number> {
  const { io, session, stops } = ctx;
  checkFindingsFlags(options.fromFindings, {
    "--instance": options.instance?.length,
    "--instances-file": options.instancesFile !== undefined,
    "--filter": options.filter !== undefined,
    "--status": options.status !== undefined,
    "--expired": options.expired,
    "--all": options.all,
    "--resume": options.resume !== undefined,
  }, {
    "--instances-file -": options.instancesFile === "-",
    "--resume -": options.resume === "-",
    "--token-file -": session.stdinUsed,
  });
  if (options.json && options.ndjson) {
    throw new UsageError("--json and --ndjson cannot be used together");
  }
  const targets = await readFindingTargets(options.fromFindings, io);
  describeTargets(io, kind, targets);
  if (targets.length === 0) {
    io.err("nothing to do\n");
    return EXIT.ok;
  }
  if (!options.dryRun) {
    const question = `${kind === "delete" ? "DELETE" : kind} up to ${targets.length} token(s) ` +
      `(each re-checked first)?`;
    const stdinUsed = options.fromFindings === "-" ? FINDINGS_ON_STDIN : session.stdinUsed;
    if (!(await confirm(question, { yes: options.yes, stdinUsed }, io))) {
      io.err("declined: nothing changed\n");
      return EXIT.declined;
    }
  }

  const fd = options.resultsFile === undefined ? undefined : openSync(options.resultsFile, "a");
  const write = (line: string) => {
    if (fd !== undefined) writeSync(fd, line);
    if (options.ndjson) io.out(line);
  };
  const own = { skipped: 0, failed: 0 };
  // The engine numbers what it was given; results carry the position among the targets.
  const given: number[] = [];
  async function* items() {
    for (const [index, target] of targets.entries()) {
      const key = `${target.instanceId}/${target.apiTokenId}`;
      let reason: string | undefined;
      try {
        reason = await staleReason(session.client, target, stops.signal);
      } catch (error) {
        own.failed += 1;
        write(toNdjson({
          key,
          index,
          status: "failed",
          type: "RecheckFailed",
          message: `could not re-check: ${(error as Error).message}`,
        }));
        continue;
      }
      if (reason !== undefined) {
        own.skipped += 1;
        write(toNdjson({ key, index, status: "skipped", type: "StaleFinding", message: reason }));
        continue;
      }
      given.push(index);
      yield { instanceId: target.instanceId, apiTokenId: target.apiTokenId };
    }
  }
  const batchOptions = {
    concurrency: options.concurrency,
    // Read (and re-check) an item only when it is about to start.
    maxBuffered: 1,
    signal: stops.signal,
    dryRun: options.dryRun === true,
    ...(session.selfTokenId ? { selfTokenId: session.selfTokenId } : {}),
    ...(fd === undefined ? {} : {
      onStart: (e: BatchStarted) => writeSync(fd, toNdjson({ ...e, index: given[e.index] })),
    }),
  };
  const job: BatchJob = kind === "delete"
    ? deleteTokens(session.client, items(), batchOptions)
    : patchTokens(session.client, items(), { ...batchOptions, apiToken: PATCH[kind] });
  job.results$.subscribe((r: BatchResult) => write(toNdjson({ ...r, index: given[r.index] })));
  let report: BatchReport;
  try {
    report = await job;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  const out = options.json || options.ndjson ? io.err : io.out;
  out(
    `${options.dryRun ? "dry run: " : ""}${kind} from findings: ${report.succeeded} succeeded, ` +
      `${report.failed + own.failed} failed, ${report.skipped + own.skipped} skipped ` +
      `(${own.skipped} stale), ${report.cancelled} cancelled, ${report.throttled} throttled (429)\n`,
  );
  if (options.json) {
    printJson(io, {
      command: kind,
      dryRun: options.dryRun === true,
      stale: own.skipped,
      ...report,
      total: report.total + own.skipped + own.failed,
      failed: report.failed + own.failed,
      skipped: report.skipped + own.skipped,
    });
  }
  if (stops.reason !== undefined) return STOP_EXIT[stops.reason];
  return report.failed + own.failed > 0 || report.stopped !== undefined ? EXIT.failed : EXIT.ok;
}
