import { globMatcher, isExpired } from "./rule.ts";
import type { BuiltinRule } from "./rule.ts";
import { scopeGlobsSetting, scopeNamesSetting } from "./settings.ts";

type ScopeSettings = { broad: string[]; except: string[] };

function matching(scope: readonly string[] | undefined, include: string[], exclude: string[]) {
  const yes = include.map((g) => globMatcher(g));
  const no = exclude.map((g) => globMatcher(g));
  return (scope ?? []).filter((s) => yes.some((r) => r.test(s)) && !no.some((r) => r.test(s)));
}

/** `all.Instance`, `all.User`, `all.Application`...: everything, not a slice of it. */
export const broadScope: BuiltinRule<ScopeSettings> = {
  id: "broad-scope",
  summary: "a scope grants everything of a kind (all.*), not only .read or .bounded",
  severity: "warning",
  defaults: { broad: ["all.*"], except: ["*.read", "*.bounded"] },
  settings: { broad: scopeGlobsSetting, except: scopeGlobsSetting },
  check(token, { now, settings }) {
    if (isExpired(token, now)) return undefined;
    const scopes = matching(token.scope, settings.broad, settings.except);
    if (scopes.length === 0) return undefined;
    return { message: `broad scope: ${scopes.join(", ")}`, detail: { scopes, settings } };
  },
};

/**
 * A token that may create tokens can create a more powerful one, so it is as strong as the
 * strongest scope the API would grant. The scopes that authorize a create, from the API's
 * own table (../shared/losant-api/README.md).
 */
export const MINT_SCOPES: readonly string[] = Object.freeze([
  "all.Instance",
  "all.User",
  "instanceApiTokens.*",
  "instanceApiTokens.post",
]);

export const canMint: BuiltinRule<{ scopes: string[] }> = {
  id: "can-mint",
  summary: "the token may create tokens (instanceApiTokens.post or a scope that includes it)",
  severity: "critical",
  defaults: { scopes: [...MINT_SCOPES] },
  settings: { scopes: scopeNamesSetting },
  check(token, { now, settings }) {
    if (isExpired(token, now)) return undefined;
    // Scope names, compared exactly: `instanceApiTokens.*` is itself a scope, not a glob.
    const scopes = (token.scope ?? []).filter((s) => settings.scopes.includes(s));
    if (scopes.length === 0) return undefined;
    return {
      message: `can create tokens, so can make a more powerful one (${scopes.join(", ")})`,
      detail: { scopes, settings },
    };
  },
};
