import { getToken } from "../actions/get-token.ts";
import type { CallOptions } from "../actions/run-action.ts";
import type { Client } from "../client.ts";
import { LosantApiError } from "../errors.ts";
import type { ApiToken } from "../schemas/api-token.ts";
import { runRule } from "./evaluate.ts";
import { resolvePolicy } from "./policy.ts";
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
 * Reads the token again and re-runs the finding's rule on it, with the thresholds the audit
 * used (the finding's `detail.settings`) and the clock as it is now, so a stale finding (the
 * token was rotated, renewed, described) changes nothing.
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
  const settings = (finding.detail?.settings ?? {}) as Record<string, unknown>;
  // The settings pass the policy's own checks, so an edited findings file cannot smuggle
  // in a threshold the rule does not have.
  const rule = resolvePolicy({ rules: { [finding.rule]: settings } }).rules.find((r) =>
    r.id === finding.rule
  )!;
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
  const listing = { instanceId: finding.instanceId, tokens: [token] };
  const again = runRule(rule, token, listing, now ?? Date.now());
  return again === undefined
    ? { applies: false, reason: `${finding.rule} no longer applies` }
    : { applies: true, token };
}
