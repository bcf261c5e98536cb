import type { Client } from "../client.ts";
import { type ApiToken, ApiTokenSchema } from "../schemas/api-token.ts";
import { type CreateTokenParams, CreateTokenParamsSchema } from "../schemas/create-token-params.ts";
import type { ActionSpec } from "./define-action.ts";
import { rolesHint } from "./roles-hint.ts";
import { type CallOptions, runAction } from "./run-action.ts";
import { guardOutcome } from "../pipeline/outcome-guard.ts";

const createTokenAction: ActionSpec<typeof CreateTokenParamsSchema, typeof ApiTokenSchema> = {
  name: "createToken",
  method: "POST",
  params: CreateTokenParamsSchema,
  result: ApiTokenSchema,
  path: (p) => `/instances/${p.instanceId}/tokens`,
  body: (p) => p.apiToken,
  // No idempotency keys: a resend after an unknown outcome would make a second token.
  resendable: false,
  notFoundAfterUnknown: "not-found",
  // A runtime's silent resend on a reset keep-alive connection would create twice too.
  ownConnection: true,
  // Reads the two declarations above after each failed attempt.
  outcomeGuard: guardOutcome,
  // An API older than 1.30 refuses roles in words that do not say so.
  errorHint: rolesHint,
  tokenEvent: { type: "created", tokens: "result" },
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
  const token = await runAction(client, createTokenAction, params, options);
  return token as CreatedToken;
}
