import type { Client } from "../client.ts";
import { type ApiToken, ApiTokenSchema } from "../schemas/api-token.ts";
import { type TokenParams, TokenParamsSchema } from "../schemas/token-params.ts";
import type { ActionSpec } from "./define-action.ts";
import { REPEATABLE, tokenPath } from "./define-action.ts";
import { type CallOptions, runAction } from "./run-action.ts";

export const getTokenAction: ActionSpec<typeof TokenParamsSchema, typeof ApiTokenSchema> = {
  name: "getToken",
  method: "GET",
  params: TokenParamsSchema,
  result: ApiTokenSchema,
  path: tokenPath,
  ...REPEATABLE,
  tokenEvent: { type: "fetched", tokens: "result" },
};

/**
 * Retrieves one API token. Needs one of the scopes all.Instance(.bounded|.read),
 * all.User(.bounded|.read), instanceApiToken.* or instanceApiToken.get.
 *
 * @example
 * const token = await getToken(client, { instanceId, apiTokenId });
 * console.log(token.name, token.status);
 */
export function getToken(
  client: Client,
  params: TokenParams,
  options?: CallOptions,
): Promise<ApiToken> {
  return runAction(client, getTokenAction, params, options);
}
