import type { Client } from "../client.ts";
import { type DeleteResult, SuccessSchema } from "../schemas/success.ts";
import { type TokenParams, TokenParamsSchema } from "../schemas/token-params.ts";
import type { ActionSpec } from "./define-action.ts";
import { tokenPath } from "./define-action.ts";
import { type CallOptions, runAction } from "./run-action.ts";

const deleteTokenAction: ActionSpec<typeof TokenParamsSchema, typeof SuccessSchema> = {
  name: "deleteToken",
  method: "DELETE",
  params: TokenParamsSchema,
  result: SuccessSchema,
  path: tokenPath,
};

/**
 * Deletes an API token. Needs one of the scopes all.Instance, all.User,
 * instanceApiToken.* or instanceApiToken.delete.
 *
 * @example
 * await deleteToken(client, { instanceId, apiTokenId }); // { success: true }
 */
export function deleteToken(
  client: Client,
  params: TokenParams,
  options?: CallOptions,
): Promise<DeleteResult> {
  return runAction(client, deleteTokenAction, params, options);
}
