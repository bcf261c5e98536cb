import { atLeast, type AuditSummary, type Severity } from "../../audit/mod.ts";
import { EXIT } from "../exit-codes.ts";

/**
 * `losant-tokens audit` exit codes beyond the CLI's own (0 ok, 1 failed, 2 usage, 130
 * interrupted): a finding at or above `--fail-on` exits 3 when the worst is a warning and 4
 * when it is critical, so CI tells "has findings" from "the audit itself failed" (1: an
 * instance could not be listed, which wins: an incomplete audit proves nothing).
 */
export const AUDIT_EXIT = Object.freeze({ warningFindings: 3, criticalFindings: 4 });

/**
 * The exit code an audit's summary means under `--fail-on`.
 *
 * @example
 * auditExitCode(summary, "warning"); // 4 when any finding is critical
 */
export function auditExitCode(summary: AuditSummary, failOn: Severity | undefined): number {
  if (summary.unlisted.length > 0) return EXIT.failed;
  if (failOn === undefined) return EXIT.ok;
  if (summary.bySeverity.critical > 0 && atLeast("critical", failOn)) {
    return AUDIT_EXIT.criticalFindings;
  }
  if (summary.bySeverity.warning > 0 && atLeast("warning", failOn)) {
    return AUDIT_EXIT.warningFindings;
  }
  return EXIT.ok;
}
