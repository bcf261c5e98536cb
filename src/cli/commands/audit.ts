import { InvalidArgumentError, Option } from "commander";
import type { Severity } from "../../audit/mod.ts";
import type { CliCommand } from "../command.ts";
import { instanceFlags } from "../flags.ts";

/** `audit`'s options, as commander parses them. */
export interface AuditOptions {
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

// Kept here rather than imported, so registering `audit` loads none of the audit code;
// test/audit-cli.test.ts checks the list against the rules.
export const AUDIT_RULE_CHOICES: readonly string[] = [
  "can-mint",
  "expiring-soon",
  "no-expiry",
  "broad-scope",
  "admin-role",
  "rotation-age",
  "expired",
  "inactive",
  "duplicate-name",
  "no-description",
  "waiver-expired",
];
const RULES = AUDIT_RULE_CHOICES;

/** `losant-tokens audit`: which tokens are a risk, as a table, JSON, NDJSON, CSV, Markdown or HTML. */
export const auditCommand: CliCommand = {
  register(program, cli) {
    const cmd = program
      .command("audit")
      .description(
        "report risky tokens: no expiry, expiring, stale, old, broad, able to mint, admin",
      );
    instanceFlags(cmd, "an instance to audit")
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
      | losant-tokens delete --from-findings - --dry-run
  $ losant-tokens audit --instances-file prod.txt --ndjson --rule rotation-age > old.ndjson
  $ losant-tokens rotate --from-findings old.ndjson --expires-in 90d \\
      --secrets-dir ./secrets --state rotation.ndjson --dry-run`,
      )
      .action((options: AuditOptions, command) =>
        cli.run(command, async (ctx) => {
          const { runAudit } = await import("./audit-run.ts");
          return runAudit(ctx, options);
        })
      );
  },
};
