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
  items: ApiToken[];
  count?: number;
  totalCount: number;
  perPage?: number;
  page?: number;
  sortField?: string;
  sortDirection?: string;
  filterField?: string;
  filter?: string;
  [key: string]: unknown;
}

/** One page of the list endpoint, checked (counts sent as strings become numbers). */
export const ApiTokensPageSchema: v.GenericSchema<unknown, ApiTokensPage> = apiTokensPageSchema;

/** Fails to compile when ApiTokensPageSchema and ApiTokensPage disagree. */
export type ApiTokensPageTie = Tie<Same<v.InferOutput<typeof apiTokensPageSchema>, ApiTokensPage>>;
