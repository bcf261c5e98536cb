import * as v from "valibot";
import { type GlobalParams, globalParams, objectMessage } from "./global-params.ts";
import type { Same, Tie } from "./tie.ts";
import { IdSchema } from "./id.ts";
import { inputObject } from "./input.ts";
import { rule } from "./rule.ts";

const pageNumber = (min: number, max: number): v.GenericSchema<number> =>
  v.pipe(
    v.number("must be a number"),
    rule<number>("integer", Number.isInteger, "must be an integer"),
    rule("min_value", (n: number) => n >= min, `must be at least ${min}`),
    rule("max_value", (n: number) => n <= max, `must be at most ${max}`),
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
    v.pipe(
      v.string("must be a string"),
      rule("max_length", (s: string) => s.length <= 1024, "must be at most 1024 characters"),
    ),
  ),
  perPage: v.optional(pageNumber(1, 1000)),
  ...globalParams,
};

/** Params of listTokens: every page is read, so there is no `page`. */
const listTokensParamsSchema = inputObject(
  listQuery,
  objectMessage(
    "instanceId, sortField, sortDirection, filterField, filter, perPage, losantdomain, _actions, _links, _embedded",
  ),
);
/** Params of listTokens (every page is read, so there is no `page`). */
export interface ListTokensParams extends GlobalParams {
  /** The instance, 24 hex digits. */
  instanceId: string;
  /** Default name. */
  sortField?: "name" | "status" | "id" | "creationDate" | "lastUpdated" | "expirationDate";
  /** Default asc. */
  sortDirection?: "asc" | "desc";
  /** The field `filter` applies to (default name). */
  filterField?: "name" | "status";
  /** A glob, e.g. `ci-*`; at most 1024 characters. */
  filter?: string;
  /** Page size, 1 to 1000 (default 100). */
  perPage?: number;
}

/** Params of listTokens, checked. */
export const ListTokensParamsSchema: v.GenericSchema<ListTokensParams> = listTokensParamsSchema;

/** Fails to compile when ListTokensParamsSchema and ListTokensParams disagree. */
export type ListTokensParamsTie = Tie<
  Same<v.InferInput<typeof listTokensParamsSchema>, ListTokensParams>
>;

/** Params of listTokensPage: one page by number, from 0. */
const listTokensPageParamsSchema = inputObject(
  { ...listQuery, page: v.optional(pageNumber(0, Number.MAX_SAFE_INTEGER)) },
  objectMessage(
    "instanceId, sortField, sortDirection, filterField, filter, page, perPage, losantdomain, _actions, _links, _embedded",
  ),
);
/** Params of listTokensPage: one page by number. */
export interface ListTokensPageParams extends ListTokensParams {
  /** The page, from 0 (default 0). */
  page?: number;
}

/** Params of listTokensPage, checked. */
export const ListTokensPageParamsSchema: v.GenericSchema<ListTokensPageParams> =
  listTokensPageParamsSchema;

/** Fails to compile when ListTokensPageParamsSchema and ListTokensPageParams disagree. */
export type ListTokensPageParamsTie = Tie<
  Same<v.InferInput<typeof listTokensPageParamsSchema>, ListTokensPageParams>
>;
