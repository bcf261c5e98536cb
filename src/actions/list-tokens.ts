import type { Client } from "../client.ts";
import type { ApiToken } from "../schemas/api-token.ts";
import { type ListTokensParams, ListTokensParamsSchema } from "../schemas/list-params.ts";
import { CallOptionsSchema } from "../schemas/client-options.ts";
import { parseParams } from "../validate.ts";

import { nextPageAfter } from "../listing/paging.ts";
import { listTokensPage } from "./list-tokens-page.ts";
import type { CallOptions } from "./run-action.ts";

/**
 * Every token of an instance, page by page, as an async iterable. Params and options are
 * checked when it is called (a LosantValidationError is thrown synchronously, unknown keys
 * included); pages are read as the loop asks for them. The listing ends when the counts the
 * API returns are reached (a server that serves smaller pages than asked is followed in its
 * page size), or on an empty page.
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
  if (options !== undefined) parseParams(CallOptionsSchema, options, "listTokens");
  return {
    async *[Symbol.asyncIterator]() {
      let perPage = checked.perPage ?? 100;
      let seen = 0;
      for (let page = 0;;) {
        const result = await listTokensPage(client, { ...params, page, perPage }, options);
        yield* result.items;
        seen += result.items.length;
        // The counts end the listing, not a short page (a server may cap the page size).
        const next = nextPageAfter(result, page, perPage, seen);
        if (next.done) return;
        page = next.page;
        perPage = next.perPage;
      }
    },
  };
}
