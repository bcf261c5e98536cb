import type { Severity, SeverityCounts } from "./types.ts";

/** Every severity, least first. */
export const SEVERITIES: readonly Severity[] = Object.freeze(["info", "warning", "critical"]);

/**
 * A severity's rank: higher is worse, for sorting and `--fail-on`.
 *
 * @example
 * findings.sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
 */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** Whether `severity` is `threshold` or worse. */
export function atLeast(severity: Severity, threshold: Severity): boolean {
  return severityRank(severity) >= severityRank(threshold);
}

/** Zero counts, one per severity. */
export function noCounts(): SeverityCounts {
  return { info: 0, warning: 0, critical: 0 };
}
