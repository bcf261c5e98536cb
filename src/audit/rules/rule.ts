import type * as v from "valibot";
import type { ApiToken } from "../../schemas/api-token.ts";
import type { RuleContext, Severity, Verdict } from "../types.ts";

/**
 * A built-in rule: its default severity and thresholds, the schema a policy's settings for
 * it must pass, and the check itself, a pure function of the token, the clock and the
 * listing (so a fix can re-run it on a fresh copy of the token just before changing it).
 */
export interface BuiltinRule<S extends Record<string, unknown> = Record<string, unknown>> {
  /** The rule's id, as policies and findings name it, e.g. `no-expiry`. */
  readonly id: string;
  /** One line for docs and `--help`. */
  readonly summary: string;
  /** The severity of its findings unless the policy or the verdict says otherwise. */
  readonly severity: Severity;
  /** Whether a policy may set `severity` (not when thresholds decide it). */
  readonly fixedSeverity?: boolean;
  /** Its thresholds when the policy sets none, e.g. `{ warningDays: 30 }`. */
  readonly defaults: S;
  /** valibot entries for the policy's settings of this rule (all optional). */
  readonly settings: Record<string, v.GenericSchema>;
  /** Compares the token with others of its listing: a fix cannot re-check it alone. */
  readonly needsListing?: boolean;
  /**
   * A verdict when the token is at risk, else undefined; pure: the same token, clock and listing
   * give the same answer.
   */
  check(token: ApiToken, context: RuleContext<S>): Verdict | undefined;
}

export const DAY_MS = 86_400_000;

/** A date field as ms, or undefined when absent or unparsable (server text). */
export function dateOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Whole days from `from` to `to`, rounded down (0 for less than a day). */
export function daysBetween(from: number, to: number): number {
  return Math.floor((to - from) / DAY_MS);
}

/** `2026-12-01`: the day of an ISO date, for messages. */
export function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Whether the token's expiration date has passed. */
export function isExpired(token: ApiToken, now: number): boolean {
  const expires = dateOf(token.expirationDate);
  return expires !== undefined && expires <= now;
}

/**
 * A glob where `*` matches any run of characters and everything else is literal: scopes
 * compare case-sensitively, names (`ignoreCase`) as the API's own name filter does.
 */
export function globMatcher(glob: string, ignoreCase = false): RegExp {
  const source = glob.split("*").map((part) => part.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${source}$`, ignoreCase ? "is" : "s");
}
