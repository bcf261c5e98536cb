import { readFile, writeFile } from "node:fs/promises";
import { type Command, InvalidArgumentError, Option } from "commander";
import { auditTokens } from "../../audit/audit-tokens.ts";
import { auditCsv } from "../../audit/formats/csv.ts";
import { auditHtml } from "../../audit/formats/html.ts";
import { auditJson, auditNdjsonLine } from "../../audit/formats/json.ts";
import { auditMarkdown } from "../../audit/formats/markdown.ts";
import { auditTable } from "../../audit/formats/table.ts";
import type { AuditPolicy } from "../../audit/policy.ts";
import { BUILTIN_RULE_IDS, WAIVER_EXPIRED } from "../../audit/rules/builtin.ts";
import { globMatcher } from "../../audit/rules/rule.ts";
import type { AuditRecord, AuditSummary, Severity } from "../../audit/types.ts";
import { collect, resolveInstances } from "../args.ts";
import { UsageError } from "../exit-codes.ts";
import type { Io } from "../io.ts";
import { type CommandContext, runCommand } from "../run.ts";
import type { GlobalOptions } from "../session.ts";
import { auditExitCode } from "./audit-exit.ts";

interface AuditOptions {
  instance?: string[];
  instancesFile?: string;
  filter?: string;
  status?: "active" | "inactive";
  policy?: string;
  rule?: string[];
  failOn?: Severity;
  json?: boolean;
  ndjson?: boolean;
  csv?: boolean;
  markdown?: boolean;
  html?: string;
}

const RULES = [...BUILTIN_RULE_IDS, WAIVER_EXPIRED];

/** `losant-tokens audit`: which tokens are a risk, as a table, JSON, NDJSON, CSV, Markdown or HTML. */
export function registerAudit(program: Command, io: Io, setExit: (code: number) => void): void {
  program
    .command("audit")
    .description("report risky tokens: no expiry, expiring, stale, old, broad, able to mint, admin")
    .option("--instance <id>", "an instance to audit (repeatable)", collect)
    .option("--instances-file <path>", "a file of instance ids, one per line (# comments)")
    .option("--filter <glob>", "only report tokens whose name matches, e.g. 'ci-*'")
    .addOption(
      new Option("--status <status>", "only report active or inactive tokens").choices([
        "active",
        "inactive",
      ]),
    )
    .option("--policy <file.json>", "thresholds, rules on or off, waivers (see docs/audit.md)")
    .addOption(
      new Option("--rule <id>", `run only this rule (repeatable): ${RULES.join(", ")}`)
        .argParser((value: string, previous: string[] = []) => {
          if (!RULES.includes(value)) {
            throw new InvalidArgumentError(`not a rule; one of ${RULES.join(", ")}`);
          }
          return [...previous, value];
        }),
    )
    .addOption(
      new Option("--fail-on <severity>", "exit 3 (warning) or 4 (critical) on such findings")
        .choices(["warning", "critical"]),
    )
    .option("--json", "print one JSON document: findings, unlisted instances, summary")
    .option("--ndjson", "print one JSON record per line (what --from-findings reads)")
    .option("--csv", "print CSV, one row per finding")
    .option("--markdown", "print Markdown, e.g. for a CI job summary")
    .option("--html <file>", "also write a self-contained HTML report to this file")
    .addHelpText(
      "after",
      `
Exit codes: 0 done, 1 an instance could not be listed (or a call failed), 2 usage or a bad
policy, 3 findings at or above --fail-on (worst: warning), 4 the same (worst: critical).

Examples:
  $ losant-tokens --embedded audit
  $ losant-tokens audit --instances-file prod.txt --policy policy.json --fail-on critical
  $ losant-tokens audit --instances-file prod.txt --markdown >> "$GITHUB_STEP_SUMMARY"
  $ losant-tokens audit --instances-file prod.txt --html report.html
  $ losant-tokens audit --instances-file prod.txt --ndjson --rule expired \\
      | losant-tokens delete --from-findings - --dry-run`,
    )
    .action(async (options: AuditOptions, cmd: Command) => {
      const globals = cmd.optsWithGlobals() as GlobalOptions;
      setExit(await runCommand(io, globals, (ctx) => runAudit(ctx, options)));
    });
}

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

async function runAudit(ctx: CommandContext, options: AuditOptions): Promise<number> {
  const { io, session, interrupts } = ctx;
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
  const name = options.filter === undefined ? undefined : globMatcher(options.filter, true);
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
      signal: interrupts.signal,
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
