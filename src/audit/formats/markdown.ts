import { reportModel } from "./order.ts";
import { plainText } from "./plain-text.ts";
import type { AuditRecord } from "../types.ts";

/**
 * Text that Markdown shows as itself: plain text, then every ASCII punctuation character
 * backslash-escaped (CommonMark allows that for all of them), so `|` cannot end a table
 * cell, a backtick cannot open code, `<` cannot open HTML and `[` cannot make a link.
 */
export function markdownText(text: string, max?: number): string {
  return plainText(text, max).replace(/[!-/:-@[-`{-~]/g, "\\$&");
}

/**
 * The audit as GitHub-flavoured Markdown, for a CI job summary: totals, the instances that
 * could not be listed, and one findings table, worst instance and worst finding first.
 *
 * @example
 * await appendFile(process.env.GITHUB_STEP_SUMMARY!, auditMarkdown(records));
 */
export function auditMarkdown(records: readonly AuditRecord[]): string {
  const { groups, summary } = reportModel(records);
  const lines = ["## Token audit", ""];
  if (summary) {
    const s = summary.bySeverity;
    lines.push(
      `${summary.findings} finding(s) in ${summary.tokens} token(s) of ${summary.instances} ` +
        `instance(s): **${s.critical} critical**, ${s.warning} warning, ${s.info} info.`,
      "",
    );
  }
  const unlisted = groups.filter((g) => g.unlisted);
  if (unlisted.length) {
    lines.push("**Not listed, not audited:**", "");
    for (const g of unlisted) {
      lines.push(`- \`${g.instanceId}\`: ${markdownText(g.unlisted!.reason, 200)}`);
    }
    lines.push("");
  }
  const findings = groups.flatMap((g) => g.findings);
  if (findings.length) {
    lines.push(
      "| Severity | Instance | Token | Id | Rule | Finding |",
      "| --- | --- | --- | --- | --- | --- |",
    );
    for (const f of findings) {
      lines.push(
        `| ${f.severity} | ${f.instanceId} | ${markdownText(f.name, 80)} | ${f.apiTokenId} | ` +
          `${markdownText(f.rule)} | ${markdownText(f.message, 200)} |`,
      );
    }
    lines.push("");
  }
  return lines.join("\n") + "\n";
}
