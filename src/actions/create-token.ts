import type { Client } from "../client.ts";
import type { ActionName } from "../pipeline/context.ts";
import { type ApiToken, ApiTokenSchema } from "../schemas/api-token.ts";
import { type CreateTokenParams, CreateTokenParamsSchema } from "../schemas/create-token-params.ts";
import type { ActionSpec } from "./define-action.ts";
import { type CallOptions, runAction } from "./run-action.ts";

const createTokenAction: ActionSpec<typeof CreateTokenParamsSchema, typeof ApiTokenSchema> = {
  name: "createToken" as unknown as ActionName,
  method: "POST",
  params: CreateTokenParamsSchema,
  result: ApiTokenSchema,
  path: (p) => `/instances/${p.instanceId}/tokens`,
  body: (p) => p.apiToken,
};

/** A token just created: the only time the API sends its `token` secret. */
export type CreatedToken = ApiToken & { token: string };

/**
 * Creates an API token and resolves with it, its `token` secret included: keep it, the
 * API never sends it again. Needs one of the scopes all.Instance, all.User,
 * instanceApiTokens.* or instanceApiTokens.post.
 *
 * A create is never resent after an attempt whose outcome is unknown (a reset after the
 * request was sent, a timeout, a 5xx): the API has no idempotency keys, so a resend would
 * make a second token. Such a call rejects; to find out whether the token exists, look for
 * it (`reconcileCreate` in losant-tokens/batch does, by a mark in its description).
 *
 * @example
 * const created = await createToken(client, {
 *   instanceId,
 *   apiToken: { name: "ci-reader", scope: ["all.Instance.read"], expirationDate },
 * });
 * await saveSecret(created.token);
 */
export async function createToken(
  client: Client,
  params: CreateTokenParams,
  options?: CallOptions,
): Promise<CreatedToken> {
  // Until the pipeline reads an action's own "never resend" declaration, one attempt.
  const token = await runAction(client, createTokenAction, params, { ...options, retry: false });
  return token as CreatedToken;
}
