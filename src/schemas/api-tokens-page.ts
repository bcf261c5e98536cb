import * as v from "valibot";
import { ApiTokenSchema } from "./api-token.ts";

// apiTokens.json describes page and perPage as strings; the API sends numbers. Accept both.
const count = v.union([v.number(), v.pipe(v.string(), v.toNumber())]);

/** One page of the list endpoint (apiTokens.json); unknown fields pass through. */
export const ApiTokensPageSchema = v.looseObject({
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

/** One page of tokens with its counts. */
export type ApiTokensPage = v.InferOutput<typeof ApiTokensPageSchema>;
