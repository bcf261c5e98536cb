import { closeSync, openSync, writeSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { LosantValidationError } from "../../../mod.ts";
import { canRecheck, type Finding, parseAuditRecord, recheckFinding } from "../../audit/mod.ts";
import {
  type BatchJob,
  type BatchReport,
  type BatchResult,
  type BatchStarted,
  deleteTokens,
  patchTokens,
  toNdjson,
} from "../../batch/mod.ts";
import { confirm } from "../confirm.ts";
import { EXIT, UsageError } from "../exit-codes.ts";
import type { Io } from "../io.ts";
import { printJson } from "../output.ts";
import type { CommandContext } from "../run.ts";
import { STOP_EXIT } from "../stops.ts";

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

interface Target {
  instanceId: string;
  apiTokenId: string;
  name: string;
  findings: Finding[];
}

const PATCH = {
  deactivate: { status: "inactive" as const },
  activate: { status: "active" as const },
};

/**
 * `<bulk command> --from-findings -|file`: an audit's NDJSON is the selection. Each token
 * is read again and re-checked against its finding's rule just before it is changed, so a
 * finding gone stale (renewed, rotated, already deleted) changes nothing and is reported
 * as skipped. A run repeated after a crash re-checks too, so it never acts twice.
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
  checkFlags(options);
  const onStdin = options.fromFindings === "-";
  const targets = await readTargets(options.fromFindings, io);
  const findings = targets.reduce((n, t) => n + t.findings.length, 0);
  io.err(`${kind}: ${targets.length} token(s) from ${findings} finding(s)\n`);
  for (const [instanceId, mine] of byInstance(targets)) {
    const names = mine.slice(0, 5).map((t) => JSON.stringify(t.name)).join(", ");
    const more = mine.length > 5 ? `, … ${mine.length - 5} more` : "";
    io.err(`  instance ${instanceId}: ${mine.length} (${names}${more})\n`);
  }
  if (targets.length === 0) {
    io.err("nothing to do\n");
    return EXIT.ok;
  }
  if (!options.dryRun) {
    const question = `${kind === "delete" ? "DELETE" : kind} up to ${targets.length} token(s) ` +
      `(each re-checked first)?`;
    const yes = onStdin ? await confirmOnTerminal(question, options, io) : await confirm(
      question,
      options,
      io,
    );
    if (!yes) {
      io.err("aborted: nothing changed\n");
      return EXIT.failed;
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
        reason = await stillApplies(ctx, target, stops.signal);
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
      `(${own.skipped} stale), ${report.cancelled} cancelled\n`,
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

function checkFlags(options: FromFindingsOptions): void {
  const stdin = [
    options.instancesFile === "-" && "--instances-file -",
    options.resume === "-" && "--resume -",
  ].filter(Boolean);
  if (options.fromFindings === "-" && stdin.length > 0) {
    throw new UsageError(
      `two inputs on standard input: --from-findings - and ${stdin.join(", ")}; put one in a file`,
    );
  }
  const other = [
    options.instance?.length && "--instance",
    options.instancesFile !== undefined && "--instances-file",
    options.filter !== undefined && "--filter",
    options.status !== undefined && "--status",
    options.expired && "--expired",
    options.all && "--all",
    options.resume !== undefined && "--resume",
  ].filter(Boolean);
  if (other.length > 0) {
    throw new UsageError(
      `--from-findings is the whole selection: drop ${other.join(", ")} ` +
        "(narrow the audit instead, e.g. audit --rule expired --instance ...)",
    );
  }
  if (options.json && options.ndjson) {
    throw new UsageError("--json and --ndjson cannot be used together");
  }
}

async function readTargets(source: string, io: Io): Promise<Target[]> {
  let text: string;
  if (source === "-") text = await io.readStdin();
  else {
    try {
      text = await readFile(source, "utf8");
    } catch (error) {
      const code = (error as { code?: string }).code;
      throw new UsageError(
        code === "ENOENT"
          ? `--from-findings: ${source} does not exist`
          : `cannot read --from-findings ${source} (${code ?? "unreadable"})`,
      );
    }
  }
  const targets = new Map<string, Target>();
  for (const [i, line] of text.split("\n").entries()) {
    const n = i + 1;
    if (line.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new UsageError(`--from-findings line ${n} is not JSON (expected audit --ndjson)`);
    }
    let record;
    try {
      record = parseAuditRecord(value);
    } catch (error) {
      if (!(error instanceof LosantValidationError)) throw error;
      throw new UsageError(`--from-findings line ${n}: ${error.message}`);
    }
    if (record.kind !== "finding") continue;
    if (!canRecheck(record.rule)) {
      throw new UsageError(
        `--from-findings line ${n}: ${record.rule} findings cannot drive a change ` +
          "(they compare tokens, or are about the policy): audit with --rule to pick the rules",
      );
    }
    const key = `${record.instanceId}/${record.apiTokenId}`.toLowerCase();
    const target = targets.get(key) ?? {
      instanceId: record.instanceId.toLowerCase(),
      apiTokenId: record.apiTokenId.toLowerCase(),
      name: record.name,
      findings: [],
    };
    target.findings.push(record);
    targets.set(key, target);
  }
  return [...targets.values()];
}

/** Undefined when some finding of the target still holds; else why none does. */
async function stillApplies(
  ctx: CommandContext,
  target: Target,
  signal: AbortSignal,
): Promise<string | undefined> {
  let reason = "";
  for (const finding of target.findings) {
    const check = await recheckFinding(ctx.session.client, finding, { signal });
    if (check.applies) return undefined;
    reason = check.reason;
  }
  return reason;
}

function byInstance(targets: readonly Target[]): Map<string, Target[]> {
  const map = new Map<string, Target[]>();
  for (const t of targets) map.set(t.instanceId, [...(map.get(t.instanceId) ?? []), t]);
  return map;
}

/**
 * The confirmation when standard input holds the findings: asked on the terminal itself
 * (`/dev/tty`, as `ssh` and `sudo` ask), or `--yes` is needed.
 */
async function confirmOnTerminal(
  question: string,
  options: { yes?: boolean },
  io: Io,
): Promise<boolean> {
  if (options.yes) return true;
  io.err(`${question} [y/N] `);
  const answer = await io.readTerminalLine();
  if (answer === undefined) {
    throw new UsageError(
      "the findings come on standard input and there is no terminal to confirm on: " +
        "pass --yes to proceed",
    );
  }
  return /^y(es)?$/i.test(answer.trim());
}
