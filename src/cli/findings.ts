import { readFile } from "node:fs/promises";
import { type ApiToken, type Client, LosantValidationError } from "../../mod.ts";
import {
  canRecheck,
  type Finding,
  parseAuditRecord,
  recheckFinding,
  recheckToken,
} from "../audit/mod.ts";
import { UsageError } from "./exit-codes.ts";
import type { Io } from "./io.ts";
import { printable } from "./output.ts";

/**
 * An audit's findings as the selection of a command that changes tokens (`delete`,
 * `deactivate`, `activate`, `rotate` with `--from-findings <file|->`): reading them, the
 * flags they cannot go with, and the re-check that keeps a stale finding from changing
 * anything. What each command then does with the tokens is its own.
 */

/** A token the findings select, with every finding about it. */
export interface FindingTarget {
  instanceId: string;
  apiTokenId: string;
  /** As the audit saw it: untrusted server text, shown JSON-quoted. */
  name: string;
  findings: Finding[];
}

/** What stdin held when the findings came on it, for the confirmation's messages. */
export const FINDINGS_ON_STDIN = "the findings (--from-findings -)";

/**
 * Refuses what cannot go with `--from-findings`: any other selection flag (the findings are
 * the whole selection) and, with `-`, a second input on standard input. Each map is
 * flag → whether it was given.
 *
 * @example
 * checkFindingsFlags("-", { "--filter": o.filter !== undefined }, { "--token-file -": session.stdinUsed });
 */
export function checkFindingsFlags(
  fromFindings: string,
  selection: Record<string, unknown>,
  stdinInputs: Record<string, unknown>,
): void {
  const given = (flags: Record<string, unknown>) =>
    Object.entries(flags).filter(([, on]) => Boolean(on)).map(([flag]) => flag);
  const stdin = given(stdinInputs);
  if (fromFindings === "-" && stdin.length > 0) {
    throw new UsageError(
      `two inputs on standard input: --from-findings - and ${stdin.join(", ")}; put one in a file`,
    );
  }
  const other = given(selection);
  if (other.length > 0) {
    throw new UsageError(
      `--from-findings is the whole selection: drop ${other.join(", ")} ` +
        "(narrow the audit instead, e.g. audit --rule expired --instance ...)",
    );
  }
}

/**
 * The tokens an audit's NDJSON (a file, or `-` for stdin) selects, one per token however
 * many findings it has, in the order of their first finding. Lines other than findings
 * are ignored; a line that is not an audit record, or a finding that cannot drive a
 * change (`duplicate-name`, `waiver-expired`), is a usage error naming the line.
 *
 * @example
 * const targets = await readFindingTargets("expired.ndjson", io);
 */
export async function readFindingTargets(source: string, io: Io): Promise<FindingTarget[]> {
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
  const targets = new Map<string, FindingTarget>();
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

/** Prints on stderr what the findings select, per instance, before anything is asked. */
export function describeTargets(io: Io, command: string, targets: readonly FindingTarget[]): void {
  const findings = targets.reduce((n, t) => n + t.findings.length, 0);
  io.err(`${command}: ${targets.length} token(s) from ${findings} finding(s)\n`);
  const byInstance = new Map<string, FindingTarget[]>();
  for (const t of targets) {
    byInstance.set(t.instanceId, [...(byInstance.get(t.instanceId) ?? []), t]);
  }
  for (const [instanceId, mine] of byInstance) {
    // JSON quotes and escapes C0 controls; printable the C1 ones and bidi overrides JSON keeps.
    const names = mine.slice(0, 5).map((t) => printable(JSON.stringify(t.name))).join(", ");
    const more = mine.length > 5 ? `, … ${mine.length - 5} more` : "";
    io.err(`  instance ${instanceId}: ${mine.length} (${names}${more})\n`);
  }
}

/**
 * Reads the token again: undefined when some finding about it still holds, else why none
 * does (renewed, deactivated, deleted since the audit).
 *
 * @example
 * const stale = await staleReason(client, target, signal);
 */
export async function staleReason(
  client: Client,
  target: FindingTarget,
  signal?: AbortSignal,
): Promise<string | undefined> {
  let reason = "";
  for (const finding of target.findings) {
    const check = await recheckFinding(client, finding, signal ? { signal } : {});
    if (check.applies) return undefined;
    reason = check.reason;
  }
  return reason;
}

/**
 * The same judgement on a token already read (undefined: it no longer exists), for a
 * command that reads the token anyway just before it changes it (`rotate`).
 *
 * @example
 * staleReasonFor(target, token, Date.now()); // "rotation-age no longer applies"
 */
export function staleReasonFor(
  target: FindingTarget,
  token: ApiToken | undefined,
  now: number,
): string | undefined {
  if (token === undefined) return "the token no longer exists";
  let reason = "";
  for (const finding of target.findings) {
    const check = recheckToken(finding, token, now);
    if (check.applies) return undefined;
    reason = check.reason;
  }
  return reason;
}
