import { closeSync, existsSync, openSync, writeSync } from "node:fs";
import {
  type BatchReport,
  type BatchResult,
  fileJournal,
  preflightRotation,
  rotateTokens,
  type RotationJournal,
  RotationPreflightError,
  toNdjson,
} from "../../batch/mod.ts";
import { resolveInstances } from "../args.ts";
import { confirm } from "../confirm.ts";
import { EXIT, UsageError } from "../exit-codes.ts";
import type { Io } from "../io.ts";
import { printable, printJson, table } from "../output.ts";
import type { Session } from "../session.ts";
import { failpoint } from "./rotate-failpoint.ts";
import {
  checkRotateFindingsFlags,
  type RotateSelection,
  selectFromFindings,
} from "./rotate-findings.ts";
import { planRotations } from "./rotate-plan.ts";
import {
  checkSecretOutput,
  describeSecrets,
  openSecretSink,
  type SecretOutputOptions,
} from "./rotate-secrets.ts";

/** `rotate`'s options, as commander parsed them. */
export interface RotateCliOptions extends SecretOutputOptions {
  instance?: string[];
  instancesFile?: string;
  filter?: string;
  all?: boolean;
  expiresIn?: number;
  expirationDate?: string;
  neverExpires?: boolean;
  grace: number;
  deleteAfter?: number;
  successorName: string;
  retiringName: string;
  state?: string;
  resultsFile?: string;
  resume?: boolean;
  dryRun?: boolean;
  yes?: boolean;
  json?: boolean;
  concurrency: number;
  /** An audit's NDJSON (`-`: stdin) as the whole selection. */
  fromFindings?: string;
}

function checkOptions(o: RotateCliOptions, session: Session): void {
  const expiries = [o.expiresIn, o.expirationDate, o.neverExpires || undefined].filter((x) =>
    x !== undefined
  );
  if (expiries.length !== 1) {
    throw new UsageError(
      "rotate needs the successors' expiry: --expires-in <duration> (e.g. 90d), " +
        "--expiration-date <ISO date> or, explicitly, --never-expires",
    );
  }
  if (o.fromFindings !== undefined) {
    checkRotateFindingsFlags({ ...o, fromFindings: o.fromFindings }, session);
  } else if (o.filter === undefined && !o.all) {
    throw new UsageError(
      "rotate needs a selection: --filter <glob>, --all for every active token, or " +
        "--from-findings <file|-> (an audit's --ndjson)",
    );
  }
  if (o.dryRun) return;
  checkSecretOutput(o);
  if (o.state === undefined) {
    throw new UsageError(
      "rotate needs --state <path>: the journal that makes it resumable and lets rotate-finish retire the old tokens later",
    );
  }
}

/**
 * The rotate command: select, plan, preflight, confirm, rotate with the secrets going to
 * their files (or stdout), report. The CLI's own access token, when selected, rotates
 * last: its successor's secret is delivered like any other, and the old one is retired
 * (at once with `--grace 0`, as the run's very last request), so later runs must use the
 * new secret.
 */
export async function runRotate(
  io: Io,
  session: Session,
  signal: AbortSignal,
  o: RotateCliOptions,
): Promise<number> {
  checkOptions(o, session);
  if (o.resume && (o.state === undefined || !existsSync(o.state))) {
    throw new UsageError("--resume needs the --state file of the run to finish");
  }
  const journal = o.state !== undefined ? fileJournal(o.state) : undefined;
  const selection = o.fromFindings !== undefined
    ? await selectFromFindings(io, session, journal, { ...o, fromFindings: o.fromFindings }, signal)
    : await selectByListing(session, journal, o, signal);
  const { instances, planned, excluded } = selection;
  const self = session.selfTokenId?.toLowerCase();
  const ownIncluded = planned.some((p) => p.apiTokenId === self);
  io.err(
    `rotate: ${planned.length} token(s) in ${instances.length} instance(s)${selection.from ?? ""}` +
      (excluded ? ` (${excluded} left out: already part of a rotation)` : "") + "\n",
  );
  for (const p of planned.slice(0, 20)) {
    // Server text: shown with every control escaped.
    const name = printable(
      p.token?.name ?? p.name ?? p.state?.plan?.successor.name ?? p.apiTokenId,
    );
    const retiring = o.retiringName.replaceAll("{name}", name).replace(/\{date\}/g, "YYYY-MM-DD");
    const what = p.state
      ? `resume (${p.state.phase})`
      : `${name} → new "${name}", old → "${retiring}"`;
    io.err(
      `  ${p.instanceId}/${p.apiTokenId}: ${what}${
        p.apiTokenId === self ? " [this CLI's own token: last]" : ""
      }\n`,
    );
  }
  if (planned.length > 20) io.err(`  … ${planned.length - 20} more\n`);
  if (planned.length === 0) {
    io.err("nothing to do\n");
    return EXIT.ok;
  }
  try {
    await preflightRotation(session.client, instances, { signal });
  } catch (error) {
    if (!(error instanceof RotationPreflightError)) throw error;
    io.err(`error: ${error.message}; nothing was created\n`);
    return EXIT.failed;
  }
  if (o.dryRun) {
    const stale = await selection.dryRun?.();
    if (stale !== undefined) {
      io.err(`dry run: ${planned.length - stale} would rotate, ${stale} stale (skipped)\n`);
    }
    io.err("dry run: preflight passed; nothing was changed\n");
    if (o.json) {
      printJson(io, {
        command: "rotate",
        dryRun: true,
        planned: planned.length,
        ...(stale === undefined ? {} : { stale }),
      });
    }
    return EXIT.ok;
  }
  const question = `rotate ${planned.length} token(s): create successors, then retire the old ` +
    `tokens${o.grace ? " after the grace period" : " at once"}` +
    `${ownIncluded ? " (including this CLI's own access token, last)" : ""}?`;
  if (!(await confirm(question, { yes: o.yes, stdinUsed: selection.stdinUsed }, io))) {
    io.err("aborted: nothing changed\n");
    return EXIT.declined;
  }
  const sink = await openSecretSink(o, io, planned.length, (q) => confirm(q, {}, io));
  const fd = o.resultsFile === undefined ? undefined : openSync(o.resultsFile, "a", 0o600);
  const hold = failpoint(io);
  const job = rotateTokens(
    session.client,
    planned.map((p) => ({ instanceId: p.instanceId, apiTokenId: p.apiTokenId })),
    {
      sink,
      journal,
      ...(o.expiresIn !== undefined ? { expiresIn: o.expiresIn } : {}),
      ...(o.expirationDate !== undefined ? { expirationDate: o.expirationDate } : {}),
      ...(o.neverExpires ? { neverExpires: true as const } : {}),
      graceMs: o.grace,
      ...(o.deleteAfter !== undefined ? { deleteAfterMs: o.deleteAfter } : {}),
      names: { successor: o.successorName, retiring: o.retiringName },
      concurrency: o.concurrency,
      // Checked above, before the confirmation.
      preflight: false,
      signal,
      ...(self ? { selfTokenId: self } : {}),
      ...(hold ? { onPhase: hold } : {}),
      ...(selection.recheck ? { recheck: selection.recheck } : {}),
    },
  );
  const outcomes = new Map<string, number>();
  job.results$.subscribe((r: BatchResult) => {
    if (fd !== undefined) writeSync(fd, toNdjson(r));
    const label = r.status === "succeeded"
      ? r.outcome ?? "succeeded"
      : r.type === "StaleFinding"
      ? "stale finding (skipped)"
      : r.status;
    outcomes.set(label, (outcomes.get(label) ?? 0) + 1);
  });
  let report: BatchReport;
  try {
    report = await job;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  printSummary(io, report, outcomes, o);
  if (ownIncluded && report.failures.every((f) => !f.key.endsWith(`/${self}`))) {
    io.err(
      `note: this CLI's own access token was rotated; its successor's secret is in ${
        describeSecrets(o)
      }` +
        ` and must be used for later runs (rotate-finish included)\n`,
    );
  }
  if (o.json) printJson(io, { command: "rotate", ...report });
  return report.failed > 0 || report.stopped !== undefined ? EXIT.failed : EXIT.ok;
}

/** The usual selection: the active tokens of the instances, by name glob or `--all`. */
async function selectByListing(
  session: Session,
  journal: RotationJournal | undefined,
  o: RotateCliOptions,
  signal: AbortSignal,
): Promise<RotateSelection> {
  const instances = await resolveInstances(o, session.defaultInstances);
  const { planned, excluded } = await planRotations(session.client, journal, {
    instances,
    ...(o.filter !== undefined ? { filter: o.filter } : {}),
  }, { resume: o.resume, retiringPattern: o.retiringName, signal });
  return { instances, planned, excluded, stdinUsed: session.stdinUsed };
}

function printSummary(
  io: Io,
  report: BatchReport,
  outcomes: Map<string, number>,
  o: RotateCliOptions,
): void {
  // stdout may carry secrets (--secrets-stdout) or the JSON report: the summary goes to stderr.
  const rows = [["OUTCOME", "TOKENS"], ...[...outcomes].map(([k, n]) => [k, String(n)])];
  io.err(
    `\nrotate: ${report.total} token(s), ${report.succeeded} succeeded, ${report.failed} failed` +
      (report.skipped ? `, ${report.skipped} skipped` : "") + "\n",
  );
  io.err(table(rows));
  io.err(
    "  rotated: successor live and delivered, old token in its grace period (finish with rotate-finish)\n",
  );
  for (const f of report.failures.slice(0, 10)) {
    io.err(`  failed ${f.key}: ${f.type ?? ""} ${f.statusCode ?? ""} ${f.message ?? ""}\n`);
  }
  if (report.stopped) io.err(`stopped: ${report.stopped.message}\n`);
  if (o.state) io.err(`state: ${o.state}\n`);
}
