import { noCounts } from "./severity.ts";
import { DAY_MS } from "./rules/rule.ts";
import type {
  AuditSummary,
  ExpiryTimeline,
  Finding,
  InstanceSummary,
  UnlistedInstance,
} from "./types.ts";

const WEEK_MS = 7 * DAY_MS;
const WEEKS_BEFORE = 4;
const WEEKS = 30;

/** Counts what an audit yields, to close it with a summary. */
export interface SummaryTally {
  instance(instanceId: string, tokens: number, pages: number): void;
  unlisted(record: UnlistedInstance): void;
  /** One listed token's expiration date (ms), undefined when it never expires. */
  expiry(at: number | undefined): void;
  finding(finding: Finding): void;
  waived(rule: string): void;
  summary(waivers: AuditSummary["waivers"]): AuditSummary;
}

/**
 * A tally for one audit run: per instance, per rule, per severity.
 *
 * @example
 * const tally = createSummaryTally(now);
 * tally.instance(id, listing.tokens.size, listing.pages);
 * tally.finding(finding);
 * const summary = tally.summary({ active: 1, expired: 0, unused: 0 });
 */
export function createSummaryTally(now: number): SummaryTally {
  const perInstance = new Map<string, InstanceSummary>();
  const byRule: Record<string, number> = {};
  const waived: Record<string, number> = {};
  const bySeverity = noCounts();
  const unlisted: string[] = [];
  let findings = 0;
  const from = now - WEEKS_BEFORE * WEEK_MS;
  const timeline: ExpiryTimeline = {
    from: new Date(from).toISOString(),
    weeks: new Array(WEEKS).fill(0),
    earlier: 0,
    later: 0,
    never: 0,
  };
  const row = (instanceId: string): InstanceSummary => {
    let r = perInstance.get(instanceId);
    if (r === undefined) {
      r = { instanceId, listed: false, tokens: 0, findings: 0, bySeverity: noCounts(), pages: 0 };
      perInstance.set(instanceId, r);
    }
    return r;
  };
  return {
    instance(instanceId, tokens, pages) {
      Object.assign(row(instanceId), { listed: true, tokens, pages });
    },
    unlisted(record) {
      row(record.instanceId);
      unlisted.push(record.instanceId);
    },
    expiry(at) {
      if (at === undefined) timeline.never += 1;
      else if (at < from) timeline.earlier += 1;
      else if (at >= from + WEEKS * WEEK_MS) timeline.later += 1;
      else timeline.weeks[Math.floor((at - from) / WEEK_MS)] += 1;
    },
    finding(f) {
      const r = row(f.instanceId);
      r.findings += 1;
      r.bySeverity[f.severity] += 1;
      bySeverity[f.severity] += 1;
      byRule[f.rule] = (byRule[f.rule] ?? 0) + 1;
      findings += 1;
    },
    waived(rule) {
      waived[rule] = (waived[rule] ?? 0) + 1;
    },
    summary(waivers) {
      const rows = [...perInstance.values()];
      return {
        kind: "summary",
        auditedAt: new Date(now).toISOString(),
        instances: rows.length,
        unlisted,
        tokens: rows.reduce((n, r) => n + r.tokens, 0),
        findings,
        bySeverity,
        byRule,
        perInstance: rows,
        waived,
        waivers,
        timeline,
        clean: findings === 0 && unlisted.length === 0,
      };
    },
  };
}
