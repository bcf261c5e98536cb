import * as v from "valibot";
import { type ApiToken, ApiTokenSchema } from "./api-token.ts";
import type { Same, Tie } from "./tie.ts";

// apiTokens.json describes page and perPage as strings; the API sends numbers. Accept both.
const count: v.GenericSchema<number | string, number> = v.union([
  v.number(),
  v.pipe(v.string(), v.toNumber()),
]);

/** One page of the list endpoint (apiTokens.json); unknown fields pass through. */
const apiTokensPageSchema = v.looseObject({
  items: v.array(ApiTokenSchema),
  count: v.optional(count),
  totalCount: count,
  perPage: v.optional(count),
  page: v.optional(count),
  sortField: v.optional(v.string()),
  sortDirection: v.optional(v.string()),
  filterField: v.optional(v.string()),
  filter: v.optional(v.string()),
});

/** One page of tokens with its counts (apiTokens.json); unknown fields pass through. */
export interface ApiTokensPage {
  /** The tokens of this page. */
  items: ApiToken[];
  /** How many tokens this page holds. */
  count?: number;
  /** How many tokens match the query across all pages. */
  totalCount: number;
  /** The page size the server used. */
  perPage?: number;
  /** This page's number, from 0. */
  page?: number;
  /** The field the listing is sorted by. */
  sortField?: string;
  /** `asc` or `desc`. */
  sortDirection?: string;
  /** The field `filter` was applied to. */
  filterField?: string;
  /** The glob the listing was filtered by, as the server echoes it. */
  filter?: string;
  /** Fields Losant adds (`_links`, `_embedded`, ...) pass through untyped. */
  [key: string]: unknown;
}

/** One page of the list endpoint, checked (counts sent as strings become numbers). */
export const ApiTokensPageSchema: v.GenericSchema<unknown, ApiTokensPage> = apiTokensPageSchema;

/** Fails to compile when ApiTokensPageSchema and ApiTokensPage disagree. */
export type ApiTokensPageTie = Tie<Same<v.InferOutput<typeof apiTokensPageSchema>, ApiTokensPage>>;
