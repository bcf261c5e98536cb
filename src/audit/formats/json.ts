import { safeJson } from "./plain-text.ts";
import type { AuditRecord, AuditSummary, Finding, UnlistedInstance } from "../types.ts";

/** The audit as one JSON document (`--json`). */
export interface AuditDocument {
  /** Every finding, in the order the audit yielded them. */
  findings: Finding[];
  /** Every instance that could not be read. */
  unlisted: UnlistedInstance[];
  /** The summary; undefined when the records hold none (an audit cut short). */
  summary: AuditSummary | undefined;
}

/**
 * Splits records into one document: every finding, every unlisted instance, the summary.
 *
 * @example
 * const doc = auditDocument(records); doc.summary?.clean;
 */
export function auditDocument(records: readonly AuditRecord[]): AuditDocument {
  const doc: AuditDocument = { findings: [], unlisted: [], summary: undefined };
  for (const r of records) {
    if (r.kind === "finding") doc.findings.push(r);
    else if (r.kind === "unlisted") doc.unlisted.push(r);
    else doc.summary = r;
  }
  return doc;
}

/** `--json`: the document, indented, every string inert (see safeJson). */
export function auditJson(records: readonly AuditRecord[]): string {
  return `${safeJson(auditDocument(records), 2)}\n`;
}

/**
 * `--ndjson`: one record per line, as `losant-tokens <bulk command> --from-findings` reads.
 *
 * @example
 * for await (const r of auditTokens(client, options)) out.write(auditNdjsonLine(r));
 */
export function auditNdjsonLine(record: AuditRecord): string {
  return `${safeJson(record)}\n`;
}
