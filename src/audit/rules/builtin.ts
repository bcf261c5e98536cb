import { rotationAge } from "./age.ts";
import { expired, inactive } from "./clutter.ts";
import { expiringSoon, noExpiry } from "./expiry.ts";
import { duplicateName, noDescription } from "./names.ts";
import { adminRole } from "./roles.ts";
import type { BuiltinRule } from "./rule.ts";
import { broadScope, canMint } from "./scope.ts";

/** Every built-in rule, in the order findings for one token are reported. */
export const BUILTIN_RULES: readonly BuiltinRule[] = Object.freeze([
  canMint,
  expiringSoon,
  noExpiry,
  broadScope,
  adminRole,
  rotationAge,
  expired,
  inactive,
  duplicateName,
  noDescription,
] as BuiltinRule[]);

/** The built-in rule ids, e.g. for `--rule` choices. */
export const BUILTIN_RULE_IDS: readonly string[] = Object.freeze(BUILTIN_RULES.map((r) => r.id));

/** The rule a waiver's expiry produces (not a check of a token, so not in the list above). */
export const WAIVER_EXPIRED = "waiver-expired";

/** A built-in rule by id. */
export function builtinRule(id: string): BuiltinRule | undefined {
  return BUILTIN_RULES.find((r) => r.id === id);
}
