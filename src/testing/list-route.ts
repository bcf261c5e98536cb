import * as v from "valibot";
import { globToRegExp } from "./glob.ts";
import { fail, type Outcome } from "./outcome.ts";
import { presentToken } from "./present.ts";
import type { FakeToken } from "./types.ts";
import { describeIssues, listQuerySchema } from "./validation.ts";

function compareBy(field: string): (a: FakeToken, b: FakeToken) => number {
  return (a, b) => {
    const x = (a as unknown as Record<string, string | undefined>)[field];
    const y = (b as unknown as Record<string, string | undefined>)[field];
    // Missing values sort first ascending, as MongoDB sorts null before strings.
    if (x !== y) {
      if (x === undefined) return -1;
      if (y === undefined) return 1;
      return x < y ? -1 : 1;
    }
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  };
}

/**
 * GET /instances/:instanceId/tokens: one page of the instance's tokens. With `maxPerPage`
 * the page holds at most that many items while `perPage` still echoes what was asked for, as
 * a server with a page-size cap does: only the counts tell a client that more pages follow.
 * Pages are cut at the capped size, so `page` numbers stay consecutive for such a client.
 *
 * @example
 * ```ts
 * listRoute(tokens, instanceId, { perPage: "10" }, undefined).status; // 200
 * ```
 */
export function listRoute(
  all: FakeToken[],
  instanceId: string,
  rawQuery: Record<string, string>,
  maxPerPage: number | undefined,
): Outcome {
  const parsed = v.safeParse(listQuerySchema, rawQuery);
  if (!parsed.success) return fail(400, describeIssues("query", parsed.issues));
  const query = parsed.output;
  const direction = query.sortDirection === "desc" ? "desc" : "asc";
  let tokens = all;
  const filterField = query.filter ? query.filterField || "name" : undefined;
  if (filterField && query.filter) {
    const pattern = globToRegExp(query.filter);
    tokens = tokens.filter((t) => pattern.test(filterField === "status" ? t.status : t.name));
  }
  tokens.sort(compareBy(query.sortField));
  if (direction === "desc") tokens.reverse();
  const size = Math.min(query.perPage, maxPerPage ?? Infinity);
  const items = tokens
    .slice(query.page * size, (query.page + 1) * size)
    .map((t) => presentToken(t, instanceId, false));
  return {
    status: 200,
    body: {
      items,
      count: items.length,
      totalCount: tokens.length,
      perPage: query.perPage,
      page: query.page,
      sortField: query.sortField,
      sortDirection: direction,
      ...(filterField ? { filterField, filter: query.filter } : {}),
      _type: "apiTokens",
      _links: {
        self: { href: `/instances/${instanceId}/tokens` },
        instance: { href: `/instances/${instanceId}` },
      },
    },
  };
}
