import { listTokensPage } from "../actions/list-tokens-page.ts";
import type { CallOptions } from "../actions/run-action.ts";
import type { Client } from "../client.ts";
import type { ApiToken } from "../schemas/api-token.ts";
import { nextPageAfter } from "./paging.ts";

/** What to list: one instance, optionally narrowed by the API's own filter. */
export interface ListingParams {
  instanceId: string;
  filterField?: "name" | "status";
  filter?: string;
  /** Page size (default 1000, the most the API gives: fewer pages, fewer chances to shift). */
  perPage?: number;
}

/** Every token of one listing, keyed by id, in id order. */
export interface Listing {
  readonly tokens: Map<string, ApiToken>;
  /**
   * Every page reported the same `totalCount` and the pages held exactly that many
   * distinct tokens. Anything else means the list shifted while it was read (the pages
   * are offsets), so a token may have been skipped or seen twice.
   */
  readonly consistent: boolean;
  readonly pages: number;
}

/**
 * Reads every page of one instance's tokens once, sorted by id: ids never change, so a
 * rename cannot move a token from one page to another while the listing is read.
 *
 * @example
 * const { tokens, consistent } = await readListing(client, { instanceId });
 */
export async function readListing(
  client: Client,
  params: ListingParams,
  options?: CallOptions,
): Promise<Listing> {
  let perPage = params.perPage ?? 1000;
  const tokens = new Map<string, ApiToken>();
  let total: number | undefined;
  let pages = 0;
  let seen = 0;
  for (let page = 0;;) {
    const result = await listTokensPage(
      client,
      { ...params, page, perPage, sortField: "id", sortDirection: "asc" },
      options,
    );
    pages += 1;
    const count = Number(result.totalCount);
    if (total !== undefined && count !== total) return { tokens, consistent: false, pages };
    total = count;
    for (const token of result.items) tokens.set(token.id.toLowerCase(), token);
    seen += result.items.length;
    const next = nextPageAfter(result, page, perPage, seen);
    if (next.done) {
      if (!next.complete) return { tokens, consistent: false, pages };
      break;
    }
    page = next.page;
    perPage = next.perPage;
  }
  // A delete and a create between two pages keep totalCount but skip or repeat a token.
  return { tokens, consistent: tokens.size === total, pages };
}

/**
 * Reads until a listing is consistent, at most `maxListings` times; the last listing is
 * returned either way, and its `consistent` says whether it can be trusted as complete.
 *
 * @example
 * const listing = await readConsistentListing(client, { instanceId, filterField: "name", filter: "ci-*" });
 * if (!listing.consistent) throw new Error("the instance kept changing");
 */
export async function readConsistentListing(
  client: Client,
  params: ListingParams,
  options?: CallOptions,
  maxListings = 4,
): Promise<Listing> {
  let listing = await readListing(client, params, options);
  for (let i = 1; !listing.consistent && i < maxListings; i++) {
    listing = await readListing(client, params, options);
  }
  return listing;
}
