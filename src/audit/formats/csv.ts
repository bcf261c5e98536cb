import { plainText } from "./plain-text.ts";
import type { AuditRecord } from "../types.ts";

const HEADER = ["kind", "instanceId", "apiTokenId", "name", "rule", "severity", "message"];

/**
 * One CSV cell: plain text, defused for spreadsheets (a leading `=`, `+`, `-` or `@` would
 * make Excel or Sheets evaluate the cell as a formula, so it gets a leading `'`, as OWASP
 * advises) and always quoted (RFC 4180).
 */
export function csvCell(text: string): string {
  const plain = plainText(text);
  const defused = /^[=+\-@]/.test(plain) ? `'${plain}` : plain;
  return `"${defused.replace(/"/g, '""')}"`;
}

/**
 * The audit as CSV, one row per finding and per unlisted instance (kind `unlisted`, the
 * reason in `message`), CRLF line ends as RFC 4180 has them.
 *
 * @example
 * await writeFile("audit.csv", auditCsv(records));
 */
export function auditCsv(records: readonly AuditRecord[]): string {
  const rows = [HEADER];
  for (const r of records) {
    if (r.kind === "finding") {
      rows.push([r.kind, r.instanceId, r.apiTokenId, r.name, r.rule, r.severity, r.message]);
    } else if (r.kind === "unlisted") {
      rows.push([r.kind, r.instanceId, "", "", "", "", r.reason]);
    }
  }
  return rows.map((row) => row.map(csvCell).join(",")).join("\r\n") + "\r\n";
}
