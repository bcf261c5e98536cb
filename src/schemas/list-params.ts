import * as v from "valibot";
import { globalParams, objectMessage } from "./global-params.ts";
import { IdSchema } from "./id.ts";
import { inputObject } from "./input.ts";

const pageNumber = (min: number, max: number) =>
  v.pipe(
    v.number("must be a number"),
    v.integer("must be an integer"),
    v.minValue(min, `must be at least ${min}`),
    v.maxValue(max, `must be at most ${max}`),
  );

const listQuery = {
  instanceId: IdSchema,
  sortField: v.optional(
    v.picklist(
      ["name", "status", "id", "creationDate", "lastUpdated", "expirationDate"],
      "must be one of name, status, id, creationDate, lastUpdated, expirationDate",
    ),
  ),
  sortDirection: v.optional(v.picklist(["asc", "desc"], "must be asc or desc")),
  filterField: v.optional(v.picklist(["name", "status"], "must be name or status")),
  filter: v.optional(
    v.pipe(v.string("must be a string"), v.maxLength(1024, "must be at most 1024 characters")),
  ),
  perPage: v.optional(pageNumber(1, 1000)),
  ...globalParams,
};

/** Params of listTokens: every page is read, so there is no `page`. */
export const ListTokensParamsSchema = inputObject(
  listQuery,
  objectMessage(
    "instanceId, sortField, sortDirection, filterField, filter, perPage, losantdomain, _actions, _links, _embedded",
  ),
);
export type ListTokensParams = v.InferInput<typeof ListTokensParamsSchema>;

/** Params of listTokensPage: one page by number, from 0. */
export const ListTokensPageParamsSchema = inputObject(
  { ...listQuery, page: v.optional(pageNumber(0, Number.MAX_SAFE_INTEGER)) },
  objectMessage(
    "instanceId, sortField, sortDirection, filterField, filter, page, perPage, losantdomain, _actions, _links, _embedded",
  ),
);
export type ListTokensPageParams = v.InferInput<typeof ListTokensPageParamsSchema>;
