/** The five API actions the fake server serves. */
export type RouteKind = "get" | "patch" | "delete" | "list" | "create";

/**
 * Scopes that authorize each action; any one is enough. Transcribed from
 * shared/losant-api/README.md (the current table, including the `.bounded` scopes).
 */
export const ACTION_SCOPES: Readonly<Record<RouteKind, readonly string[]>> = {
  get: [
    "all.Instance",
    "all.Instance.bounded",
    "all.Instance.read",
    "all.User",
    "all.User.bounded",
    "all.User.read",
    "instanceApiToken.*",
    "instanceApiToken.get",
  ],
  patch: ["all.Instance", "all.User", "instanceApiToken.*", "instanceApiToken.patch"],
  delete: ["all.Instance", "all.User", "instanceApiToken.*", "instanceApiToken.delete"],
  list: [
    "all.Instance",
    "all.Instance.bounded",
    "all.Instance.read",
    "all.User",
    "all.User.bounded",
    "all.User.read",
    "instanceApiTokens.*",
    "instanceApiTokens.get",
  ],
  create: ["all.Instance", "all.User", "instanceApiTokens.*", "instanceApiTokens.post"],
};

/**
 * Whether a token holding `scopes` may perform `kind`.
 *
 * @example
 * ```ts
 * scopeAllows(['instanceApiToken.get'], 'get'); // true
 * scopeAllows(['instanceApiToken.get'], 'patch'); // false
 * ```
 */
export function scopeAllows(scopes: readonly string[], kind: RouteKind): boolean {
  const allowed = ACTION_SCOPES[kind];
  return scopes.some((scope) => allowed.includes(scope));
}
