import type { Client } from "../client.ts";
import { type DeleteResult, SuccessSchema } from "../schemas/success.ts";
import { type TokenParams, TokenParamsSchema } from "../schemas/token-params.ts";
import type { ActionSpec } from "./define-action.ts";
import { tokenPath } from "./define-action.ts";
import { type CallOptions, runAction } from "./run-action.ts";
import { guardOutcome } from "../pipeline/outcome-guard.ts";

export const deleteTokenAction: ActionSpec<typeof TokenParamsSchema, typeof SuccessSchema> = {
  name: "deleteToken",
  method: "DELETE",
  params: TokenParamsSchema,
  result: SuccessSchema,
  path: tokenPath,
  // Deleting twice removes the same token; the second answer is a 404.
  resendable: true,
  // After an attempt with no answer, a 404 means that attempt deleted it.
  notFoundAfterUnknown: { applied: Object.freeze({ success: true, alreadyDeleted: true }) },
  // A runtime's silent resend of an applied delete would answer 404 with no sign of it.
  ownConnection: true,
  // Reads the two declarations above after each failed attempt.
  outcomeGuard: guardOutcome,
  tokenEvent: { type: "deleted" },
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
