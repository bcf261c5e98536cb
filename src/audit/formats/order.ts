import { BUILTIN_RULE_IDS } from "../rules/builtin.ts";
import { severityRank } from "../severity.ts";
import type { AuditRecord, AuditSummary, Finding, UnlistedInstance } from "../types.ts";

/** One instance's part of a report. */
export interface InstanceGroup {
  instanceId: string;
  unlisted?: UnlistedInstance;
  findings: Finding[];
}

/** An audit's records, split and ordered the way every human-readable format shows them. */
export interface ReportModel {
  groups: InstanceGroup[];
  summary: AuditSummary | undefined;
}

function ruleRank(rule: string): number {
  const i = BUILTIN_RULE_IDS.indexOf(rule);
  return i === -1 ? BUILTIN_RULE_IDS.length : i;
}

/** Worst first: severity, then the rule's place, then the name. */
export function compareFindings(a: Finding, b: Finding): number {
  return severityRank(b.severity) - severityRank(a.severity) ||
    ruleRank(a.rule) - ruleRank(b.rule) ||
    a.name.localeCompare(b.name) ||
    a.apiTokenId.localeCompare(b.apiTokenId);
}

function weight(group: InstanceGroup): number[] {
  const count = (s: string) => group.findings.filter((f) => f.severity === s).length;
  return [group.unlisted ? 1 : 0, count("critical"), count("warning"), count("info")];
}

/**
 * Groups records by instance, the worst instance first (unlisted ones, then by critical,
 * warning and info counts), each group's findings worst first.
 *
 * @example
 * const { groups, summary } = reportModel(records);
 */
export function reportModel(records: readonly AuditRecord[]): ReportModel {
  const groups = new Map<string, InstanceGroup>();
  let summary: AuditSummary | undefined;
  const group = (instanceId: string) => {
    let g = groups.get(instanceId);
    if (g === undefined) groups.set(instanceId, g = { instanceId, findings: [] });
    return g;
  };
  for (const r of records) {
    if (r.kind === "summary") {
      summary = r;
      r.perInstance.forEach((row) => group(row.instanceId));
    } else if (r.kind === "unlisted") group(r.instanceId).unlisted = r;
    else group(r.instanceId).findings.push(r);
  }
  const ordered = [...groups.values()];
  ordered.forEach((g) => g.findings.sort(compareFindings));
  ordered.sort((a, b) => {
    const [x, y] = [weight(a), weight(b)];
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return y[i] - x[i];
    return 0;
  });
  return { groups: ordered, summary };
}
