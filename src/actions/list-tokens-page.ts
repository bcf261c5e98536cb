import type { Client } from "../client.ts";
import { type ApiTokensPage, ApiTokensPageSchema } from "../schemas/api-tokens-page.ts";
import { type ListTokensPageParams, ListTokensPageParamsSchema } from "../schemas/list-params.ts";
import { type ActionSpec, REPEATABLE } from "./define-action.ts";
import { type CallOptions, runAction } from "./run-action.ts";

const LIST_QUERY = [
  "sortField",
  "sortDirection",
  "filterField",
  "filter",
  "page",
  "perPage",
] as const;

export const listTokensPageAction: ActionSpec<
  typeof ListTokensPageParamsSchema,
  typeof ApiTokensPageSchema
> = {
  name: "listTokensPage",
  method: "GET",
  params: ListTokensPageParamsSchema,
  result: ApiTokensPageSchema,
  path: (p) => `/instances/${p.instanceId}/tokens`,
  query: (p) => {
    const query: Record<string, string> = {};
    for (const key of LIST_QUERY) if (p[key] !== undefined) query[key] = String(p[key]);
    return query;
  },
  ...REPEATABLE,
  tokenEvent: { type: "fetched", tokens: "items" },
};

/**
 * Reads one page of an instance's tokens, with its counts. Needs one of the scopes
 * all.Instance(.bounded|.read), all.User(.bounded|.read), instanceApiTokens.* or
 * instanceApiTokens.get.
 *
 * @example
 * const page = await listTokensPage(client, { instanceId, page: 0, perPage: 50 });
 * console.log(page.totalCount, page.items.length);
 */
export function listTokensPage(
  client: Client,
  params: ListTokensPageParams,
  options?: CallOptions,
): Promise<ApiTokensPage> {
  return runAction(client, listTokensPageAction, params, options);
}
