import type { ApiToken } from "../schemas/api-token.ts";

import type { TokenEventType } from "../types.ts";

export type { TokenEventType };

/**
 * One token seen by a call: `getToken` and every listed token → `fetched`, `patchToken` →
 * `updated`, `deleteToken` → `deleted`, a create → `created` (each action declares which). Events are frozen: every listener sees the same value.
 */
export interface TokenEvent {
  /** What the call did to (or saw of) the token. */
  readonly type: TokenEventType;
  /** The instance the token belongs to. */
  readonly instanceId: string;
  /** The token's id, 24 hex digits. */
  readonly apiTokenId: string;
  /** The token as the server returned it (absent on `deleted`). */
  readonly token?: ApiToken;
  /** The token as this client last saw it, from its event cache; never fetched for the event. */
  readonly previous?: ApiToken;
  /**
   * Fields that differ from `previous` (ignoring `lastUpdated` and `_links`-style hypermedia);
   * without `previous`, on `updated`, the fields the patch sent.
   */
  readonly changes?: readonly string[];
  /** On `deleted`: a retry found the token already gone (the first attempt did the work). */
  readonly alreadyDeleted?: true;
  /** The call that saw it; its attempts sent `x-request-id: <callId>-<attempt>`. */
  readonly callId: string;
  /** ISO 8601. */
  readonly at: string;
}
