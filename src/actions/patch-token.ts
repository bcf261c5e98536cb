import type { Client } from "../client.ts";
import { type ApiToken, ApiTokenSchema } from "../schemas/api-token.ts";
import { type PatchTokenParams, PatchTokenParamsSchema } from "../schemas/patch-token-params.ts";
import type { ActionSpec } from "./define-action.ts";
import { tokenPath } from "./define-action.ts";
import { type CallOptions, runAction } from "./run-action.ts";

const patchTokenAction: ActionSpec<typeof PatchTokenParamsSchema, typeof ApiTokenSchema> = {
  name: "patchToken",
  method: "PATCH",
  params: PatchTokenParamsSchema,
  result: ApiTokenSchema,
  path: tokenPath,
  body: (p) => p.apiToken,
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
