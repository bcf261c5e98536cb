/**
 * losant-tokens/audit: which tokens of which instances are a risk, and why. Built-in
 * rules with thresholds a policy changes, your own rules as plain functions, waivers that
 * expire, and reports for terminals, spreadsheets, CI summaries and mail.
 *
 * @example
 * import { auditTokens, auditMarkdown } from "losant-tokens/audit";
 * const records = [];
 * for await (const r of auditTokens(client, { instanceIds, policy })) records.push(r);
 * console.log(auditMarkdown(records));
 *
 * @module
 */
export { auditTokens, type AuditTokensOptions } from "./audit-tokens.ts";
export {
  type AuditPolicy,
  type ResolvedPolicy,
  type ResolvedRule,
  resolvePolicy,
  type RulePolicy,
} from "./policy.ts";
export type { Waiver, WaiverInput } from "./waivers.ts";
export { BUILTIN_RULE_IDS, BUILTIN_RULES, WAIVER_EXPIRED } from "./rules/builtin.ts";
export type { BuiltinRule } from "./rules/rule.ts";
export { MINT_SCOPES } from "./rules/scope.ts";
export { RETIRING_NAME } from "./rules/names.ts";
export { atLeast, SEVERITIES, severityRank } from "./severity.ts";
export { auditTable } from "./formats/table.ts";
export { auditCsv } from "./formats/csv.ts";
export { auditMarkdown } from "./formats/markdown.ts";
export { auditHtml } from "./formats/html.ts";
export { type AuditDocument, auditDocument, auditJson, auditNdjsonLine } from "./formats/json.ts";
export { parseAuditRecord } from "./record-schema.ts";
export { canRecheck, type Recheck, recheckFinding, recheckToken } from "./recheck.ts";
export type {
  AuditRecord,
  AuditSummary,
  ExpiryTimeline,
  Finding,
  InstanceListing,
  InstanceSummary,
  RuleContext,
  Severity,
  SeverityCounts,
  UnlistedInstance,
  UserRule,
  Verdict,
} from "./types.ts";
