import * as v from "valibot";
import { LosantValidationError } from "../errors.ts";
import { IdSchema } from "../schemas/id.ts";
import { parseParams } from "../validate.ts";
import { BUILTIN_RULES, WAIVER_EXPIRED } from "./rules/builtin.ts";
import type { BuiltinRule } from "./rules/rule.ts";
import { SEVERITIES } from "./severity.ts";
import type { RuleContext, Severity, UserRule, Verdict } from "./types.ts";
import { compileWaivers, type Waiver, type WaiverInput } from "./waivers.ts";

/** One rule's part of a policy: on or off, its severity, its thresholds. */
export interface RulePolicy {
  /** `false` turns the rule off (default on). */
  enabled?: boolean;
  /** Replaces the rule's severity (not for expiring-soon, whose thresholds decide it). */
  severity?: Severity;
  /** The rule's thresholds, e.g. `warningDays`; see docs/audit.md. */
  [setting: string]: unknown;
}

/**
 * What an audit checks and what it forgives. Every key is checked: an unknown one (a
 * misspelt rule, a threshold the rule does not have) is refused, never ignored.
 *
 * @example
 * const policy: AuditPolicy = {
 *   rules: { "rotation-age": { maxAgeDays: 180 }, "no-description": { enabled: false } },
 *   waivers: [{ name: "grafana-*", rules: ["no-expiry"], reason: "INFRA-12", expires: "2027-01-01" }],
 * };
 */
export interface AuditPolicy {
  /**
   * Per rule id (built-in or a user rule's key), its settings; rules not named keep their defaults.
   */
  rules?: Record<string, RulePolicy>;
  /** Exceptions: findings they match are counted in `waived`, not reported. */
  waivers?: WaiverInput[];
}

/** A rule ready to run: built-in or the user's, with its settings resolved. */
export interface ResolvedRule {
  /** The built-in rule's id, or the user rule's key in `rules`. */
  id: string;
  /** The policy's severity, when it set one; else the verdict's, else `fallback`. */
  severity?: Severity;
  /** The rule's own default severity (`warning` for a user rule). */
  fallback: Severity;
  /** The rule's thresholds: its defaults, then the policy's. */
  settings: Record<string, unknown>;
  /** Whether the check reads the rest of the listing (always assumed for a user rule). */
  needsListing: boolean;
  /** The check itself: a verdict when the token is at risk, else undefined. */
  check(token: Parameters<UserRule>[0], context: RuleContext<Record<string, unknown>>):
    | Verdict
    | undefined;
}

/** A checked policy: the rules that run, in order, and the waivers. */
export interface ResolvedPolicy {
  /** The enabled rules, built-in ones first, in the order they run. */
  rules: ResolvedRule[];
  /** The policy's waivers, compiled, in policy order. */
  waivers: Waiver[];
  /** What an expired waiver's own finding is (the `waiver-expired` rule). */
  expiredWaiver: { enabled: boolean; severity: Severity };
}

const severity = v.optional(
  v.picklist(SEVERITIES as Severity[], `must be one of ${SEVERITIES.join(", ")}`),
);
const enabled = v.optional(v.boolean("must be true or false"));

function ruleEntry(rule: BuiltinRule | undefined): v.GenericSchema {
  const entries: Record<string, v.GenericSchema> = { enabled, ...(rule?.settings ?? {}) };
  if (!rule?.fixedSeverity) entries.severity = severity;
  return v.optional(v.strictObject(entries, "must be an object of the rule's settings"));
}

function policySchema(userRuleIds: readonly string[]) {
  const ruleIds = [...BUILTIN_RULES.map((r) => r.id), ...userRuleIds];
  const entries: Record<string, v.GenericSchema> = {};
  for (const rule of BUILTIN_RULES) entries[rule.id] = ruleEntry(rule);
  for (const id of userRuleIds) entries[id] = ruleEntry(undefined);
  entries[WAIVER_EXPIRED] = ruleEntry(undefined);
  const ruleName = v.picklist(
    [...ruleIds, "*"],
    'must name a rule of this audit, or "*" for every rule',
  );
  const waiver = v.pipe(
    v.strictObject({
      apiTokenId: v.optional(IdSchema),
      name: v.optional(
        v.pipe(v.string("must be a name or a glob"), v.minLength(1, "must not be empty")),
      ),
      instanceId: v.optional(IdSchema),
      rules: v.pipe(
        v.array(ruleName, "must be a list of rule ids"),
        v.minLength(1, "must name at least one rule"),
      ),
      reason: v.pipe(v.string("must be a string"), v.minLength(1, "must say why")),
      expires: v.pipe(
        v.string("must be a date (YYYY-MM-DD or ISO 8601)"),
        v.regex(
          /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/,
          "must be a date (YYYY-MM-DD or ISO 8601)",
        ),
        v.check((s) => !Number.isNaN(Date.parse(s)), "must be a real date"),
      ),
    }, "must be an object"),
    v.check(
      (w) => w.apiTokenId !== undefined || w.name !== undefined,
      "must name its tokens: apiTokenId or name",
    ),
  );
  return v.strictObject({
    rules: v.optional(v.strictObject(entries, "must be an object keyed by rule id")),
    waivers: v.optional(v.array(waiver, "must be a list of waivers")),
  }, "must be an object");
}

/**
 * Checks a policy (LosantValidationError naming each bad field, its value never quoted)
 * and resolves it against the built-in rules and the user's own.
 *
 * @example
 * const resolved = resolvePolicy({ rules: { "expiring-soon": { warningDays: 14 } } });
 */
export function resolvePolicy(
  policy: unknown = {},
  userRules: Readonly<Record<string, UserRule>> = {},
): ResolvedPolicy {
  const userIds = Object.keys(userRules);
  const clash = userIds.find((id) =>
    id === WAIVER_EXPIRED || BUILTIN_RULES.some((r) => r.id === id)
  );
  if (clash !== undefined) {
    throw new LosantValidationError([{
      path: `rules.${clash}`,
      rule: "unique",
      message: "is a built-in rule's id: give the user rule another name",
    }], { action: "auditTokens" });
  }
  if (Array.isArray(policy)) {
    throw new LosantValidationError(
      [{ path: "(params)", rule: "object", message: "must be an object" }],
      { action: "audit policy" },
    );
  }
  const checked = parseParams(policySchema(userIds), policy, "audit policy") as AuditPolicy;
  const config = checked.rules ?? {};
  const rules: ResolvedRule[] = [];
  for (const rule of BUILTIN_RULES) {
    const { enabled = true, severity, ...settings } = config[rule.id] ?? {};
    if (!enabled) continue;
    const merged = { ...rule.defaults, ...settings };
    checkThresholds(rule.id, merged);
    rules.push({
      id: rule.id,
      ...(severity === undefined ? {} : { severity }),
      fallback: rule.severity,
      settings: merged,
      needsListing: rule.needsListing === true,
      check: rule.check as ResolvedRule["check"],
    });
  }
  for (const id of userIds) {
    const { enabled = true, severity } = config[id] ?? {};
    if (typeof userRules[id] !== "function") {
      throw new LosantValidationError(
        [{ path: `rules.${id}`, rule: "function", message: "must be a function" }],
        { action: "auditTokens" },
      );
    }
    if (!enabled) continue;
    rules.push({
      id,
      ...(severity === undefined ? {} : { severity }),
      fallback: "warning",
      settings: {},
      needsListing: true,
      check: userRules[id] as ResolvedRule["check"],
    });
  }
  const { enabled: waiverEnabled = true, severity: waiverSeverity = "warning" } =
    config[WAIVER_EXPIRED] ?? {};
  return {
    rules,
    waivers: compileWaivers(checked.waivers ?? []),
    expiredWaiver: { enabled: waiverEnabled, severity: waiverSeverity as Severity },
  };
}

function checkThresholds(id: string, settings: Record<string, unknown>): void {
  if (id !== "expiring-soon") return;
  if ((settings.criticalDays as number) > (settings.warningDays as number)) {
    throw new LosantValidationError([{
      path: "rules.expiring-soon.criticalDays",
      rule: "max_value",
      message: "must not exceed warningDays",
    }], { action: "audit policy" });
  }
}
