import type { CallOptions } from "../actions/run-action.ts";
import type { Client } from "../client.ts";
import { LosantError } from "../errors.ts";
import { readConsistentListing } from "../listing/read-listing.ts";
import type { ApiToken } from "../schemas/api-token.ts";
import { hasMark } from "./mark.ts";

/** What looking for a create's token found. */
export type ReconcileResult =
  | { readonly status: "absent" }
  /** The create was applied (more than once, if a runtime resent it); secrets are lost. */
  | { readonly status: "created"; readonly tokens: readonly ApiToken[] };

// Characters that may mean something to the API's name filter beyond `*`.
const GLOB_SPECIAL = /[*?[\]\\{}]/;

/**
 * Finds the tokens a create attempt made, by the mark it carried (see mark.ts): lists the
 * instance's tokens of that name (every token, when the name holds glob characters) and
 * keeps those whose description carries `nonce`. A listing that shifted while it was read
 * cannot prove absence, so it throws rather than answer "absent".
 *
 * @example
 * const found = await reconcileCreate(client, { instanceId, name: "ci-reader", nonce });
 * if (found.status === "created") for (const t of found.tokens) await deleteToken(client, ...);
 */
export async function reconcileCreate(
  client: Client,
  params: { instanceId: string; name: string; nonce: string },
  options?: CallOptions,
): Promise<ReconcileResult> {
  const filter = GLOB_SPECIAL.test(params.name)
    ? {}
    : { filterField: "name" as const, filter: params.name };
  const listing = await readConsistentListing(
    client,
    { instanceId: params.instanceId, ...filter },
    options,
  );
  if (!listing.consistent) {
    throw new LosantError(
      `cannot tell whether the create was applied: the tokens of instance ${params.instanceId} changed while they were listed`,
    );
  }
  const tokens = [...listing.tokens.values()].filter((t) => hasMark(t.description, params.nonce));
  return tokens.length === 0 ? { status: "absent" } : { status: "created", tokens };
}
