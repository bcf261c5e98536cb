import type { Client } from "../client.ts";
import { type ApiToken, ApiTokenSchema } from "../schemas/api-token.ts";
import { type PatchTokenParams, PatchTokenParamsSchema } from "../schemas/patch-token-params.ts";
import type { ActionSpec } from "./define-action.ts";
import { REPEATABLE, tokenPath } from "./define-action.ts";
import { rolesHint } from "./roles-hint.ts";
import { type CallOptions, runAction } from "./run-action.ts";

export const patchTokenAction: ActionSpec<typeof PatchTokenParamsSchema, typeof ApiTokenSchema> = {
  name: "patchToken",
  method: "PATCH",
  params: PatchTokenParamsSchema,
  result: ApiTokenSchema,
  path: tokenPath,
  body: (p) => p.apiToken,
  // The identical body sent twice leaves the same token.
  ...REPEATABLE,
  // An API older than 1.30 refuses roles in words that do not say so.
  errorHint: rolesHint,
  tokenEvent: { type: "updated", tokens: "result" },
};

/**
 * Updates an API token's name, description, roles or status. Needs one of the scopes
 * all.Instance, all.User, instanceApiToken.* or instanceApiToken.patch.
 *
 * @example
 * const token = await patchToken(client, {
 *   instanceId, apiTokenId, apiToken: { status: "inactive" },
 * });
 */
export function patchToken(
  client: Client,
  params: PatchTokenParams,
  options?: CallOptions,
): Promise<ApiToken> {
  return runAction(client, patchTokenAction, params, options);
}
