import { fail, type Outcome } from "./outcome.ts";
import type { FakeStore } from "./store.ts";
import type { FakeInstance, FakeToken } from "./types.ts";

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

/** The access token a request authenticated as, and the instance that holds it. */
export interface Access {
  token: FakeToken;
  instance: FakeInstance;
}

function isExpired(token: FakeToken, now: number): boolean {
  return token.expirationDate !== undefined && Date.parse(token.expirationDate) <= now;
}

/**
 * Resolves an Authorization header to the token it names, or the 401 Losant would answer.
 *
 * @example
 * ```ts
 * const access = authenticate(store, "Bearer eyJ…", Date.now());
 * if ("status" in access) return access; // 401
 * ```
 */
export function authenticate(
  store: FakeStore,
  header: string | undefined,
  now: number,
): Access | Outcome {
  if (!header) return fail(401, "Authorization header is required");
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) return fail(401, "Authorization header must be a Bearer token");
  const found = store.findBySecret(match[1] as string);
  if (!found) return fail(401, "Invalid access token");
  if (found.token.status !== "active") return fail(401, "Access token is inactive");
  if (isExpired(found.token, now)) return fail(401, "Access token has expired");
  return found;
}

/**
 * The 403 for an access token whose scope does not allow `kind` on `instanceId`, if any.
 * A token held by the hidden admin instance may act on every instance.
 *
 * @example
 * ```ts
 * authorize(access, "create", instanceId); // undefined when allowed
 * ```
 */
export function authorize(
  access: Access,
  kind: RouteKind,
  instanceId: string,
): Outcome | undefined {
  if (!scopeAllows(access.token.scope, kind)) {
    const resource = kind === "list" || kind === "create"
      ? "instanceApiTokens"
      : "instanceApiToken";
    const verb = kind === "list" ? "get" : kind === "create" ? "post" : kind;
    return fail(403, `Access token scope does not allow ${resource}.${verb}`);
  }
  if (!access.instance.hidden && access.instance.id.toLowerCase() !== instanceId.toLowerCase()) {
    return fail(403, "Access token is not authorized for this instance");
  }
  return undefined;
}
