import { closeSync, existsSync, openSync, writeSync } from "node:fs";
import { createReadStream } from "node:fs";
import { type Command, Option } from "commander";
import type { ApiTokenPatch } from "../../../mod.ts";
import {
  type BatchJob,
  type BatchReport,
  type BatchResult,
  type BatchStarted,
  deleteTokens,
  loadResume,
  patchTokens,
  readResults,
  toNdjson,
} from "../../batch/mod.ts";
import { collect, positiveInt, resolveInstances } from "../args.ts";
import { confirm } from "../confirm.ts";
import { EXIT, UsageError } from "../exit-codes.ts";
import type { Io } from "../io.ts";
import { printJson, table } from "../output.ts";
import { createProgressView } from "../progress.ts";
import { compileRename, type Renamer } from "../rename-pattern.ts";
import { type CommandContext, runCommand } from "../run.ts";
import { type Selected, selectForCli } from "../selection.ts";
import type { GlobalOptions } from "../session.ts";
import { deleteByIds } from "./delete-ids.ts";

type BulkKind = "deactivate" | "activate" | "delete" | "rename";

interface BulkOptions {
  instance?: string[];
  instancesFile?: string;
  filter?: string;
  status?: "active" | "inactive";
  expired?: boolean;
  all?: boolean;
  from?: string;
  to?: string;
  dryRun?: boolean;
  concurrency: number;
  resultsFile?: string;
  resume?: string | true;
  yes?: boolean;
  json?: boolean;
  ndjson?: boolean;
  progressInterval: number;
  fromFindings?: string;
}

const DESCRIPTIONS: Record<BulkKind, string> = {
  deactivate:
    "set status inactive on every selected token (active ones, unless --status says otherwise)",
  activate:
    "set status active on every selected token (inactive ones, unless --status says otherwise)",
  delete: "delete the named tokens, or every selected token",
  rename: "rename every token matching --from to the --to pattern",
};

const VERBS: Record<BulkKind, string> = {
  deactivate: "deactivate",
  activate: "activate",
  delete: "DELETE",
  rename: "rename",
};

const EXAMPLES: Record<BulkKind, string> = {
  deactivate: `
  $ losant-tokens deactivate --instance 5e9b2f... --filter 'ci-*' --dry-run
  $ losant-tokens deactivate --instances-file prod.txt --filter 'ci-*' --results-file run.ndjson
  $ losant-tokens deactivate --instances-file prod.txt --filter 'ci-*' --resume run.ndjson --yes
  $ losant-tokens --embedded deactivate --filter 'ci-*' --yes --json`,
  activate: `
  $ losant-tokens activate --instance 5e9b2f... --filter 'deploy-*' --yes
  $ losant-tokens --embedded activate --all --dry-run`,
  delete: `
  $ losant-tokens delete 5f1c0a... 5f1c0b... --instance 5e9b2f...
  $ losant-tokens delete --instances-file prod.txt --expired --results-file expired.ndjson --yes
  $ losant-tokens delete --instance 5e9b2f... --filter 'temp-*' --status inactive --ndjson --yes
  $ losant-tokens --embedded delete --expired --yes`,
  rename: `
  $ losant-tokens rename --from 'ci-*' --to 'old-ci-*' --instance 5e9b2f... --dry-run
  $ losant-tokens --embedded rename --from 'ci-*' --to 'old-ci-*' --yes`,
};

/** Registers deactivate, activate, delete and rename. */
export function registerBulk(program: Command, io: Io, setExit: (code: number) => void): void {
  for (const kind of ["deactivate", "activate", "delete", "rename"] as const) {
    const cmd = program.command(kind).description(DESCRIPTIONS[kind]);
    if (kind === "delete") {
      cmd.argument("[apiTokenId...]", "tokens to delete (with one --instance)");
    }
    cmd
      .option("--instance <id>", "an instance to work on (repeatable)", collect)
      .option("--instances-file <path>", "a file of instance ids, one per line (# comments)");
    if (kind === "rename") {
      cmd
        .requiredOption("--from <glob>", "names to rename, e.g. 'ci-*' (the only wildcard is *)")
        .requiredOption(
          "--to <pattern>",
          "new names; each * takes what --from's * matched, e.g. 'old-ci-*'",
        );
    } else {
      cmd.option("--filter <glob>", "only tokens whose name matches, e.g. 'ci-*'");
    }
    cmd
      .addOption(
        new Option("--status <status>", "only active or inactive tokens").choices([
          "active",
          "inactive",
        ]),
      )
      .option("--expired", "only tokens whose expiration date has passed");
    if (kind !== "rename") {
      cmd.option("--all", "every token of the instances (when no filter is given)");
      cmd.option(
        "--from-findings <file>",
        "select by an audit's --ndjson (- for stdin), re-checked",
      );
    }
    cmd
      .option("--dry-run", "show what would change (reads each token), change nothing")
      .option("--concurrency <n>", "calls in flight at once", positiveInt, 8)
      .option(
        "--results-file <path>",
        "append one NDJSON result per token as they finish (for --resume)",
      )
      .option(
        "--resume [path]",
        "skip what an earlier run's results file says succeeded (default: --results-file)",
      )
      .option("-y, --yes", "do not ask for confirmation (required when not on a terminal)")
      .option("--json", "print the final report as one JSON object on stdout")
      .option("--ndjson", "stream one JSON result per line on stdout")
      .addOption(
        new Option("--progress-interval <ms>", "ms between progress updates").argParser(positiveInt)
          .default(500).hideHelp(),
      )
      .addHelpText("after", `\nExamples:${EXAMPLES[kind]}`)
      .action(async (...args: unknown[]) => {
        const command = args.at(-1) as Command;
        const options = command.opts() as BulkOptions;
        const ids = kind === "delete" ? (args[0] as string[]) : [];
        const globals = command.optsWithGlobals() as GlobalOptions;
        setExit(
          await runCommand(
            io,
            globals,
            (ctx) =>
              options.fromFindings !== undefined && kind !== "rename"
                ? import("./from-findings.ts").then(({ runFromFindings }) =>
                  runFromFindings(
                    ctx,
                    kind,
                    { ...options, fromFindings: options.fromFindings! },
                  )
                )
                : ids.length > 0
                ? deleteByIds(ctx, ids, options)
                : runBulk(ctx, kind, options),
          ),
        );
      });
  }
}

/** The patch a kind applies (rename's is per token). */
function patchOf(kind: BulkKind): ApiTokenPatch | undefined {
  if (kind === "deactivate") return { status: "inactive" };
  if (kind === "activate") return { status: "active" };
  return undefined;
}

function checkOptions(kind: BulkKind, options: BulkOptions): Renamer | undefined {
  if (options.json && options.ndjson) {
    throw new UsageError("--json and --ndjson cannot be used together");
  }
  if (kind === "rename") return compileRename(options.from!, options.to!);
  const narrowed = options.filter !== undefined || options.status !== undefined || options.expired;
  if (!narrowed && !options.all) {
    throw new UsageError(
      `${kind} needs a selection: --filter <glob>, --status, --expired, or --all for every token`,
    );
  }
  return undefined;
}

/** An item of the plan; `patch`, when set, is what an earlier run was sending. */
type Planned = Selected & { patch?: ApiTokenPatch };

/**
 * Items an earlier run's results file leaves with an unknown outcome and that are not in
 * `selected`: a call in flight when that run stopped may have taken effect, so its token can
 * have left the selection (deleted, no longer active, renamed). They run again so each gets
 * a result (a delete's 404 then says it was done); a patch is repeated as the journal line
 * recorded it, and without such a line a rename is left out, having no name to give.
 */
async function unresolvedSince(
  file: string,
  instances: readonly string[],
  selected: readonly Selected[],
  isPatch: boolean,
): Promise<Planned[]> {
  const history = await loadResume(readResults(createReadStream(file)));
  const sent = new Map<string, ApiTokenPatch>();
  for await (const line of readResults(createReadStream(file))) {
    if (line.status === "started" && line.apiToken) sent.set(line.key.toLowerCase(), line.apiToken);
  }
  const wanted = new Set(instances.map((id) => id.toLowerCase()));
  const have = new Set(selected.map((s) => `${s.instanceId}/${s.token.id}`.toLowerCase()));
  const extra: Planned[] = [];
  for (const [key, state] of history) {
    const [instanceId, apiTokenId] = key.split("/");
    if (state !== "unknown" || have.has(key) || !wanted.has(instanceId)) continue;
    const patch = sent.get(key);
    if (isPatch && patch === undefined) continue;
    const token = { id: apiTokenId, name: "(in flight when the run stopped)" };
    extra.push(patch === undefined ? { instanceId, token } : { instanceId, token, patch });
  }
  return extra;
}

/** The bulk job: select, show the plan, confirm, run with progress, report. */
async function runBulk(ctx: CommandContext, kind: BulkKind, options: BulkOptions): Promise<number> {
  const { io, session, interrupts } = ctx;
  const renamer = checkOptions(kind, options);
  const resumeFile = options.resume === true ? options.resultsFile : options.resume;
  if (options.resume === true && resumeFile === undefined) {
    throw new UsageError("--resume needs a file: --resume <path> or --results-file <path>");
  }
  if (resumeFile !== undefined && !existsSync(resumeFile)) {
    throw new UsageError(`--resume: ${resumeFile} does not exist`);
  }
  const instances = await resolveInstances(options, session.defaultInstances);
  // deactivate touches active tokens and activate inactive ones, unless told otherwise:
  // the plan then counts only real changes.
  const status = options.status ??
    (kind === "deactivate" ? "active" : kind === "activate" ? "inactive" : undefined);
  const selected = await selectForCli(session.client, {
    instances,
    filter: renamer?.filter ?? options.filter,
    status,
    expired: options.expired,
  }, interrupts.signal);

  const chosen = renamer
    ? selected.filter((s) => {
      const next = renamer.rename(s.token.name ?? "");
      return next !== undefined && next !== s.token.name;
    })
    : selected;
  // A call in flight when the earlier run stopped may have taken effect, so its token can
  // be missing from the selection now (deleted, or no longer active). It is run again, so it
  // gets a result: a delete's 404 then says it was done. A rename has no name to give it.
  const planned: Planned[] = resumeFile === undefined
    ? chosen
    : [...chosen, ...await unresolvedSince(resumeFile, instances, chosen, kind !== "delete")];
  const self = session.selfTokenId?.toLowerCase();
  const ownIncluded = planned.some((s) => s.token.id.toLowerCase() === self);
  printPlan(io, kind, instances, planned, renamer, self);

  if (planned.length === 0) {
    io.err("nothing to do\n");
    if (options.json) printJson(io, emptyReport());
    return EXIT.ok;
  }
  if (!options.dryRun) {
    const question =
      `${VERBS[kind]} ${planned.length} token(s) in ${countInstances(planned)} instance(s)` +
      `${ownIncluded ? " (including this CLI's own access token, last)" : ""}?`;
    if (!(await confirm(question, options, io))) {
      io.err("aborted: nothing changed\n");
      return EXIT.failed;
    }
  }

  // The CLI's own token last: revoking it first would fail every call after it.
  const ordered = [
    ...planned.filter((s) => s.token.id.toLowerCase() !== self),
    ...planned.filter((s) => s.token.id.toLowerCase() === self),
  ];
  const items = ordered.map((s) => ({
    instanceId: s.instanceId.toLowerCase(),
    apiTokenId: s.token.id.toLowerCase(),
    ...(s.patch
      ? { apiToken: s.patch }
      : renamer
      ? { apiToken: { name: renamer.rename(s.token.name ?? "")! } }
      : {}),
  }));
  const view = createProgressView(io, items.length, kind, io.stderrIsTty && !session.verbose);
  // Each line is written synchronously as it happens, so a crash or a second Ctrl-C loses at
  // most the line being written.
  const fd = options.resultsFile === undefined ? undefined : openSync(options.resultsFile, "a");
  const batchOptions = {
    concurrency: options.concurrency,
    signal: interrupts.signal,
    dryRun: options.dryRun === true,
    progressIntervalMs: options.progressInterval,
    // Progress and the summary also reach the client's logger (--verbose) from the engine.
    onProgress: (p: Parameters<typeof view.update>[0]) => view.update(p),
    ...(fd === undefined ? {} : {
      // Ahead of each change, so a run killed mid-call can still be resumed exactly.
      onStart: (entry: BatchStarted) => writeSync(fd, toNdjson(entry)),
    }),
    ...(self ? { selfTokenId: self } : {}),
    ...(resumeFile ? { resume: readResults(createReadStream(resumeFile)) } : {}),
  };
  const job: BatchJob = kind === "delete"
    ? deleteTokens(session.client, items, batchOptions)
    : patchTokens(session.client, items, {
      ...batchOptions,
      ...(renamer ? {} : { apiToken: patchOf(kind) }),
    });

  const perInstance = new Map<
    string,
    Record<"succeeded" | "failed" | "cancelled" | "skipped", number>
  >();
  job.results$.subscribe((result: BatchResult) => {
    const line = toNdjson(result);
    if (fd !== undefined) writeSync(fd, line);
    if (options.ndjson) io.out(line);
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
    if (fd !== undefined) closeSync(fd);
  }
  printSummary(io, kind, report, perInstance, options);
  if (options.json) printJson(io, { command: kind, dryRun: options.dryRun === true, ...report });
  if (interrupts.interrupted) {
    io.err(
      `interrupted: ${report.cancelled} token(s) not done` +
        (options.resultsFile ? `; finish with --resume ${options.resultsFile}` : "") + "\n",
    );
    return EXIT.aborted;
  }
  return report.failed > 0 || report.stopped !== undefined ? EXIT.failed : EXIT.ok;
}

function countInstances(selected: readonly Selected[]): number {
  return new Set(selected.map((s) => s.instanceId.toLowerCase())).size;
}

function printPlan(
  io: Io,
  kind: BulkKind,
  instances: readonly string[],
  planned: readonly Selected[],
  renamer: Renamer | undefined,
  self: string | undefined,
): void {
  io.err(`${kind}: ${planned.length} token(s) selected\n`);
  for (const instanceId of instances) {
    const mine = planned.filter((s) => s.instanceId.toLowerCase() === instanceId.toLowerCase());
    const names = mine.slice(0, 5).map((s) =>
      renamer
        ? `${s.token.name} → ${renamer.rename(s.token.name ?? "")}`
        : (s.token.name ?? s.token.id)
    );
    const more = mine.length > names.length ? `, … ${mine.length - names.length} more` : "";
    io.err(
      `  instance ${instanceId}: ${mine.length}${
        mine.length ? ` (${names.join(", ")}${more})` : ""
      }\n`,
    );
    for (const s of mine) {
      if (s.token.id.toLowerCase() === self) {
        io.err(
          `    ! ${s.token.id} (${s.token.name}) is the access token this CLI is using: it runs last\n`,
        );
      }
    }
  }
}

function emptyReport(): Omit<BatchReport, "successes" | "skips"> {
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
    inputComplete: true,
  };
}

function printSummary(
  io: Io,
  kind: BulkKind,
  report: BatchReport,
  perInstance: Map<string, Record<"succeeded" | "failed" | "cancelled" | "skipped", number>>,
  options: BulkOptions,
): void {
  // stdout stays machine-readable under --json/--ndjson: the table goes to stderr then.
  const write = options.json || options.ndjson ? io.err : io.out;
  const rows = [["INSTANCE", "SUCCEEDED", "FAILED", "CANCELLED", "SKIPPED"]];
  for (const [instanceId, c] of perInstance) {
    rows.push([
      instanceId,
      String(c.succeeded),
      String(c.failed),
      String(c.cancelled),
      String(c.skipped),
    ]);
  }
  rows.push([
    "TOTAL",
    String(report.succeeded),
    String(report.failed),
    String(report.cancelled),
    String(report.skipped),
  ]);
  write(
    `\n${options.dryRun ? "dry run: " : ""}${kind}: ${report.total} token(s) in ${
      (report.durationMs / 1000).toFixed(1)
    } s, ${report.requests} request(s)\n`,
  );
  write(table(rows));
  for (const failure of report.failures.slice(0, 10)) {
    io.err(
      `  failed ${failure.key}: ${failure.type ?? ""} ${failure.statusCode ?? ""} ${
        failure.message ?? ""
      }\n`,
    );
  }
  if (report.failures.length > 10) io.err(`  … and ${report.failures.length - 10} more failures\n`);
  if (report.stopped) io.err(`stopped: ${report.stopped.message}\n`);
}
