import type { Client } from "../client.ts";
import type { ApiToken } from "../schemas/api-token.ts";
import { type ListTokensParams, ListTokensParamsSchema } from "../schemas/list-params.ts";
import { parseParams } from "../validate.ts";
import { listTokensPage } from "./list-tokens-page.ts";
import type { CallOptions } from "./run-action.ts";

/**
 * Every token of an instance, page by page, as an async iterable. Params are checked
 * when it is called (a LosantValidationError is thrown synchronously); pages are read
 * as the loop asks for them.
 *
 * Pages are offsets: a token deleted by someone else mid-way shifts later pages. For
 * jobs that change what they list, `selectTokens` from `losant-tokens/batch` reads a
 * consistent listing first.
 *
 * @example
 * for await (const token of listTokens(client, { instanceId, filterField: "name", filter: "ci-*" })) {
 *   console.log(token.id, token.name);
 * }
 */
export function listTokens(
  client: Client,
  params: ListTokensParams,
  options?: CallOptions,
): AsyncIterable<ApiToken> {
  const checked = parseParams(ListTokensParamsSchema, params, "listTokens");
  return {
    async *[Symbol.asyncIterator]() {
      const perPage = checked.perPage ?? 100;
      for (let page = 0;; page++) {
        const result = await listTokensPage(client, { ...params, page, perPage }, options);
        yield* result.items;
        const total = Number(result.totalCount);
        if (result.items.length < perPage || (page + 1) * perPage >= total) return;
      }
    },
  };
}
