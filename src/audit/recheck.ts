import { getToken } from "../actions/get-token.ts";
import type { CallOptions } from "../actions/run-action.ts";
import type { Client } from "../client.ts";
import { LosantApiError } from "../errors.ts";
import type { ApiToken } from "../schemas/api-token.ts";
import { runRule } from "./evaluate.ts";
import { type ResolvedRule, resolvePolicy } from "./policy.ts";
import { builtinRule } from "./rules/builtin.ts";
import type { Finding } from "./types.ts";

/**
 * Whether a finding can drive a change: a built-in rule that judges a token by itself.
 * `duplicate-name` compares tokens (acting on every finding of a group would change every
 * copy) and `waiver-expired` is about the policy, not the token: neither can.
 *
 * @example
 * findings.filter((f) => !canRecheck(f.rule)); // refused before anything changes
 */
export function canRecheck(rule: string): boolean {
  const found = builtinRule(rule);
  return found !== undefined && found.needsListing !== true;
}

/** What a re-check found: the finding still applies to the token as it is now, or why not. */
export type Recheck =
  | { applies: true; token: ApiToken }
  | { applies: false; reason: string };

/**
 * Reads the token again and re-runs the finding's rule on it (see {@link recheckToken}), so
 * a stale finding (the token was rotated, renewed, described, deleted) changes nothing.
 *
 * @example
 * const check = await recheckFinding(client, finding);
 * if (check.applies) await deleteToken(client, finding);
 */
export async function recheckFinding(
  client: Client,
  finding: Finding,
  options: CallOptions & { now?: number } = {},
): Promise<Recheck> {
  if (!canRecheck(finding.rule)) {
    return { applies: false, reason: `${finding.rule} findings cannot be re-checked alone` };
  }
  const { now, ...callOptions } = options;
  const rule = ruleOf(finding);
  let token: ApiToken;
  try {
    token = await getToken(
      client,
      { instanceId: finding.instanceId, apiTokenId: finding.apiTokenId },
      callOptions,
    );
  } catch (error) {
    if (error instanceof LosantApiError && error.statusCode === 404) {
      return { applies: false, reason: "the token no longer exists" };
    }
    throw error;
  }
  return rerun(rule, finding, token, now ?? Date.now());
}

/**
 * Re-runs the finding's rule on the token as just read, with the thresholds the audit used
 * (the finding's `detail.settings`) and the clock as it is now. No request: for a caller
 * that reads the token anyway (a rotation reads it to copy it).
 *
 * @example
 * recheckToken(finding, await getToken(client, finding), Date.now()).applies;
 */
export function recheckToken(finding: Finding, token: ApiToken, now: number): Recheck {
  if (!canRecheck(finding.rule)) {
    return { applies: false, reason: `${finding.rule} findings cannot be re-checked alone` };
  }
  if (token.id.toLowerCase() !== finding.apiTokenId.toLowerCase()) {
    return { applies: false, reason: "the finding is about another token" };
  }
  return rerun(ruleOf(finding), finding, token, now);
}

// The settings pass the policy's own checks, so an edited findings file cannot smuggle in
// a threshold the rule does not have (checked before anything is sent).
function ruleOf(finding: Finding): ResolvedRule {
  const settings = (finding.detail?.settings ?? {}) as Record<string, unknown>;
  return resolvePolicy({ rules: { [finding.rule]: settings } }).rules.find((r) =>
    r.id === finding.rule
  )!;
}

function rerun(rule: ResolvedRule, finding: Finding, token: ApiToken, now: number): Recheck {
  const listing = { instanceId: finding.instanceId, tokens: [token] };
  return runRule(rule, token, listing, now) === undefined
    ? { applies: false, reason: `${finding.rule} no longer applies` }
    : { applies: true, token };
}
