import type { ApiToken } from "../schemas/api-token.ts";

/** How bad a finding is, least first. `--fail-on` and sorting read this order. */
export type Severity = "info" | "warning" | "critical";

/** What a rule says about one token: nothing (undefined), or why it is a risk. */
export interface Verdict {
  /** What is wrong, in one line, e.g. `expires in 3 days (2026-12-04)`. */
  message: string;
  /** Overrides the rule's severity for this token (e.g. expiring in 2 days, not 20). */
  severity?: Severity;
  /** Facts behind the message, as JSON (dates, scopes, counts). Never the token's secret. */
  detail?: Record<string, unknown>;
}

/** One instance's tokens, as read for the audit (every page, consistent). */
export interface InstanceListing {
  /** The instance listed. */
  readonly instanceId: string;
  /** All its tokens, secrets removed. */
  readonly tokens: readonly ApiToken[];
}

/** What a rule is given beside the token. */
export interface RuleContext<S = Record<string, never>> {
  /** The audit's clock, in ms since the epoch. */
  readonly now: number;
  /** The rule's thresholds, defaults merged with the policy's. */
  readonly settings: S;
  /** Every token of the token's instance (for rules that compare tokens). */
  readonly listing: InstanceListing;
}

/**
 * A user rule: a plain function of a token and its instance's listing.
 *
 * @example
 * const ownerTag: UserRule = (token) =>
 *   /owner:/.test(token.description ?? "") ? undefined : { severity: "warning", message: "no owner: tag" };
 */
export type UserRule = (
  token: ApiToken,
  context: RuleContext<Record<string, never>>,
) => Verdict | undefined;

/** A risk found on one token. */
export interface Finding {
  /** Always `"finding"`: tells a finding from the other records. */
  kind: "finding";
  /** The token's instance. */
  instanceId: string;
  /** The token's id, 24 hex digits. */
  apiTokenId: string;
  /** The token's name as the server sent it: untrusted text, escape it when rendering. */
  name: string;
  /** The id of the rule that found it, e.g. `no-expiry`, or a user rule's key. */
  rule: string;
  /**
   * How bad it is: the policy's severity for the rule, else the verdict's, else the rule's default.
   */
  severity: Severity;
  /** What is wrong, in one line (the verdict's message). */
  message: string;
  /** The verdict's facts, as JSON (`{}` when it gave none). */
  detail: Record<string, unknown>;
}

/** An instance whose tokens could not be read: never counted as clean. */
export interface UnlistedInstance {
  /** Always `"unlisted"`. */
  kind: "unlisted";
  /** The instance that could not be read. */
  instanceId: string;
  /** Why: the API's answer or the listing's inconsistency, never a secret. */
  reason: string;
  /** The HTTP status of the failed listing, when there was an answer. */
  statusCode?: number;
  /** Losant's error type (`Forbidden`, ...), or the listing's own reason. */
  type?: string;
}

/** Counts per severity. */
export type SeverityCounts = Record<Severity, number>;

/** One instance's line of the summary. */
export interface InstanceSummary {
  /** The instance. */
  instanceId: string;
  /** False when its tokens could not be read (it is in `unlisted`). */
  listed: boolean;
  /** Tokens audited in it. */
  tokens: number;
  /** Findings in it, waived ones not counted. */
  findings: number;
  /** Its findings per severity. */
  bySeverity: SeverityCounts;
  /** List requests made for it (one listing pass = its pages). */
  pages: number;
}

/**
 * When the audited tokens expire, week by week around the audit's `now`: what the HTML
 * report draws as its timeline.
 */
export interface ExpiryTimeline {
  /** Start of the first week (ISO 8601): four weeks before `now`. */
  from: string;
  /** Tokens expiring in each week from `from`, 30 weeks. */
  weeks: number[];
  /** Expired before `from`. */
  earlier: number;
  /** Expiring after the last week. */
  later: number;
  /** Without an expiration date. */
  never: number;
}

/** The last record of an audit. */
export interface AuditSummary {
  /** Always `"summary"`: the last record. */
  kind: "summary";
  /** The audit's `now`, ISO 8601. */
  auditedAt: string;
  /** Instances audited, listed or not. */
  instances: number;
  /** Ids of the instances that could not be read. */
  unlisted: string[];
  /** Tokens audited, over every listed instance. */
  tokens: number;
  /** Findings reported, waived ones not counted. */
  findings: number;
  /** Findings per severity. */
  bySeverity: SeverityCounts;
  /** Findings per rule id. */
  byRule: Record<string, number>;
  /** One line per instance, in audit order. */
  perInstance: InstanceSummary[];
  /** Findings a waiver silenced, by rule. */
  waived: Record<string, number>;
  /** The policy's waivers: not yet expired, expired, and never matched a finding. */
  waivers: { active: number; expired: number; unused: number };
  /** When the audited tokens expire, by week. */
  timeline: ExpiryTimeline;
  /** No finding and every instance listed. */
  clean: boolean;
}

/** What auditTokens yields: findings and unlisted instances as they come, then the summary. */
export type AuditRecord = Finding | UnlistedInstance | AuditSummary;
