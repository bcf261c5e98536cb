import { reportModel } from "./order.ts";
import { plainText } from "./plain-text.ts";
import type { AuditRecord } from "../types.ts";

const NAME_WIDTH = 40;
const MESSAGE_WIDTH = 100;

function columns(rows: readonly string[][], indent: string): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((row) =>
    indent + row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]))).join("  ")
  ).join("\n") + "\n";
}

/**
 * The audit for a terminal: one block per instance, the worst instance first, each
 * block's findings worst first, then the totals. Every name and message is plain text
 * (no escape sequence survives) and cut to a readable width; no colours.
 *
 * @example
 * process.stdout.write(auditTable(records));
 */
export function auditTable(records: readonly AuditRecord[]): string {
  const { groups, summary } = reportModel(records);
  let out = "";
  for (const group of groups) {
    const row = summary?.perInstance.find((r) => r.instanceId === group.instanceId);
    if (group.unlisted) {
      out += `instance ${group.instanceId}: NOT LISTED, not audited: ${
        plainText(group.unlisted.reason, MESSAGE_WIDTH)
      }\n\n`;
      continue;
    }
    const counts = row
      ? `${row.tokens} token(s): ${row.bySeverity.critical} critical, ${row.bySeverity.warning} warning, ${row.bySeverity.info} info`
      : `${group.findings.length} finding(s)`;
    out += `instance ${group.instanceId} (${counts})\n`;
    if (group.findings.length === 0) {
      out += "  no findings\n\n";
      continue;
    }
    out += columns([
      ["SEVERITY", "RULE", "TOKEN", "ID", "FINDING"],
      ...group.findings.map((f) => [
        f.severity,
        f.rule,
        plainText(f.name, NAME_WIDTH),
        f.apiTokenId,
        plainText(f.message, MESSAGE_WIDTH),
      ]),
    ], "  ") + "\n";
  }
  if (summary) {
    out += `${summary.findings} finding(s) in ${summary.tokens} token(s) of ${summary.instances} ` +
      `instance(s): ${summary.bySeverity.critical} critical, ${summary.bySeverity.warning} warning, ` +
      `${summary.bySeverity.info} info` +
      (summary.unlisted.length ? `; ${summary.unlisted.length} instance(s) NOT LISTED` : "") +
      "\n";
  }
  return out;
}
