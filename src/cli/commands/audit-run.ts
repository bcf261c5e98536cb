import { readFile, writeFile } from "node:fs/promises";
import {
  auditCsv,
  auditHtml,
  auditJson,
  auditMarkdown,
  auditNdjsonLine,
  type AuditPolicy,
  type AuditRecord,
  type AuditSummary,
  auditTable,
  auditTokens,
  BUILTIN_RULE_IDS,
  WAIVER_EXPIRED,
} from "../../audit/mod.ts";
import { resolveInstances } from "../args.ts";
import { UsageError } from "../exit-codes.ts";
import type { CommandContext } from "../run.ts";
import type { AuditOptions } from "./audit.ts";
import { auditExitCode } from "./audit-exit.ts";

const RULES = [...BUILTIN_RULE_IDS, WAIVER_EXPIRED];

async function readPolicy(path: string): Promise<AuditPolicy> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as { code?: string }).code ?? "unreadable";
    throw new UsageError(`cannot read --policy ${path} (${code})`);
  }
  try {
    return JSON.parse(text) as AuditPolicy;
  } catch {
    // The parser's message quotes the text; a policy file is not secret, but stay uniform.
    throw new UsageError(`--policy ${path} is not valid JSON`);
  }
}

/** `--rule a --rule b`: every other rule of the policy switched off. */
function onlyRules(policy: AuditPolicy, only: readonly string[] | undefined): AuditPolicy {
  if (only === undefined || only.length === 0) return policy;
  const rules: Record<string, Record<string, unknown>> = { ...(policy.rules ?? {}) };
  for (const id of RULES) {
    if (!only.includes(id)) rules[id] = { ...(rules[id] ?? {}), enabled: false };
  }
  return { ...policy, rules };
}

/** The audit command's body: loaded only when `audit` runs, so other commands start faster. */
export async function runAudit(ctx: CommandContext, options: AuditOptions): Promise<number> {
  const { io, session, stops } = ctx;
  const stdoutFormats = [options.json, options.ndjson, options.csv, options.markdown].filter(
    Boolean,
  );
  if (stdoutFormats.length > 1) {
    throw new UsageError("choose one of --json, --ndjson, --csv and --markdown");
  }
  const instanceIds = await resolveInstances(options, session.defaultInstances);
  const policy = onlyRules(
    options.policy === undefined ? {} : await readPolicy(options.policy),
    options.rule,
  );
  const name = options.filter === undefined ? undefined : nameGlob(options.filter);
  const where = name === undefined && options.status === undefined
    ? undefined
    : (t: { name?: string; status?: string }) =>
      (name === undefined || name.test(t.name ?? "")) &&
      (options.status === undefined || t.status === options.status);

  const records: AuditRecord[] = [];
  let summary: AuditSummary | undefined;
  for await (
    const record of auditTokens(session.client, {
      instanceIds,
      policy,
      signal: stops.signal,
      ...(where ? { where } : {}),
    })
  ) {
    if (options.ndjson) io.out(auditNdjsonLine(record));
    // --ndjson streams and keeps nothing, unless the HTML report needs every record.
    if (!options.ndjson || options.html !== undefined) records.push(record);
    if (record.kind === "summary") summary = record;
    if (record.kind === "unlisted") {
      io.err(`error: instance ${record.instanceId} could not be listed: ${record.reason}\n`);
    }
  }
  if (options.html !== undefined) await writeFile(options.html, auditHtml(records));
  if (options.json) io.out(auditJson(records));
  else if (options.csv) io.out(auditCsv(records));
  else if (options.markdown) io.out(auditMarkdown(records));
  else if (!options.ndjson) io.out(auditTable(records));
  return auditExitCode(summary!, options.failOn);
}

/** The API's name filter, client-side: `*` any run of characters, the rest literal, any case. */
function nameGlob(glob: string): RegExp {
  const parts = glob.split("*").map((p) => p.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&"));
  return new RegExp(`^${parts.join(".*")}$`, "is");
}
