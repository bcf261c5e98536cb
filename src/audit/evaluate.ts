import type { ApiToken } from "../schemas/api-token.ts";
import type { ResolvedPolicy, ResolvedRule } from "./policy.ts";
import { WAIVER_EXPIRED } from "./rules/builtin.ts";
import { day } from "./rules/rule.ts";
import type { Waiver } from "./waivers.ts";
import type { Finding, InstanceListing, Severity } from "./types.ts";

/** What checking one token gave: its findings, and which rules waivers silenced. */
export interface TokenVerdicts {
  findings: Finding[];
  waived: string[];
  /** Waivers (by index) that matched this token. */
  matchedWaivers: number[];
}

/**
 * Runs one rule on one token: the finding it makes, without waivers. Shared by the audit
 * and by the re-check a fix makes just before it changes a token.
 *
 * @example
 * const finding = runRule(rule, token, listing, Date.now());
 */
export function runRule(
  rule: ResolvedRule,
  token: ApiToken,
  listing: InstanceListing,
  now: number,
): Finding | undefined {
  let verdict;
  try {
    verdict = rule.check(token, { now, settings: rule.settings, listing });
  } catch (error) {
    throw new Error(`audit rule ${rule.id} failed on token ${token.id}`, { cause: error });
  }
  if (verdict === undefined) return undefined;
  return {
    kind: "finding",
    instanceId: listing.instanceId,
    apiTokenId: token.id,
    name: token.name ?? "",
    rule: rule.id,
    severity: rule.severity ?? verdict.severity ?? rule.fallback,
    message: verdict.message,
    detail: { ...(verdict.detail ?? {}) },
  };
}

/**
 * Every rule of the policy on one token, waivers applied. A waiver that has expired no
 * longer silences anything and is a finding of its own, so a forgotten exception shows.
 */
export function checkToken(
  policy: ResolvedPolicy,
  token: ApiToken,
  listing: InstanceListing,
  now: number,
): TokenVerdicts {
  const matching = policy.waivers.filter((w) => w.matches(listing.instanceId, token));
  const findings: Finding[] = [];
  const waived: string[] = [];
  for (const rule of policy.rules) {
    const finding = runRule(rule, token, listing, now);
    if (finding === undefined) continue;
    if (matching.some((w) => w.expiresAt > now && w.waives(rule.id))) waived.push(rule.id);
    else findings.push(finding);
  }
  if (policy.expiredWaiver.enabled) {
    for (const waiver of matching) {
      if (waiver.expiresAt > now) continue;
      findings.push(expiredWaiver(waiver, token, listing, policy.expiredWaiver.severity));
    }
  }
  return { findings, waived, matchedWaivers: matching.map((w) => w.index) };
}

function expiredWaiver(
  waiver: Waiver,
  token: ApiToken,
  listing: InstanceListing,
  severity: Severity,
): Finding {
  return {
    kind: "finding",
    instanceId: listing.instanceId,
    apiTokenId: token.id,
    name: token.name ?? "",
    rule: WAIVER_EXPIRED,
    severity,
    message: `waiver ${waiver.index} (${waiver.rules.join(", ")}) expired on ${
      day(waiver.expiresAt)
    }: renew it or fix the token`,
    detail: {
      waiver: waiver.index,
      rules: waiver.rules,
      reason: waiver.reason,
      expires: waiver.expires,
    },
  };
}
