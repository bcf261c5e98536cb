import * as v from "valibot";
import { inputObject } from "../schemas/input.ts";
import { CallOptionsSchema } from "../schemas/client-options.ts";
import type { Client } from "../client.ts";
import type { CallOptions } from "../actions/run-action.ts";
import { LosantError } from "../errors.ts";
import { readConsistentListing } from "../listing/read-listing.ts";
import type { ApiToken } from "../schemas/api-token.ts";
import { ListTokensParamsSchema } from "../schemas/list-params.ts";
import type { TokenParams } from "../schemas/token-params.ts";
import { parseParams } from "../validate.ts";
import { ITERATE_WITH_SIGNAL, type SignalIterable } from "./input-reader.ts";

/** What selectTokens picks. */
export interface SelectTokensOptions {
  /** The instances to look in, in order (duplicates are ignored). */
  instanceIds: Iterable<string>;
  /** Server-side filter: the field the `filter` glob applies to (default name). */
  filterField?: "name" | "status";
  /** Server-side glob, e.g. `ci-*`. */
  filter?: string;
  /** Client-side test on each listed token, after the server's filter. */
  where?: (token: ApiToken) => boolean;
  /** Page size of the listing (default 100, at most 1000). */
  perPage?: number;
  /** For the list calls: signal, timeout, deadline, retry. */
  callOptions?: CallOptions;
}

const SelectTokensOptionsSchema = inputObject({
  instanceIds: v.custom<Iterable<string>>(
    (x) => Array.isArray(x) || x instanceof Set,
    "must be an array or Set of instance ids",
  ),
  filterField: v.optional(v.picklist(["name", "status"], "must be name or status")),
  filter: v.optional(v.string("must be a string")),
  where: v.optional(v.custom<(token: ApiToken) => boolean>(
    (x) => typeof x === "function",
    "must be a function",
  )),
  perPage: v.optional(v.number("must be a number")),
  callOptions: v.optional(CallOptionsSchema),
}, "must be an object of only instanceIds, filterField, filter, where, perPage, callOptions");

/** How often an instance is re-listed when it keeps changing under the listing. */
const MAX_LISTINGS = 5;

/**
 * The tokens to act on, as `{ instanceId, apiTokenId }` items for deleteTokens or
 * patchTokens. The list endpoint pages by offset, so deleting while paging would shift
 * later pages and skip tokens: for each instance the complete list of matching ids is read
 * first (sorted by id, ids only), and re-read if `totalCount` moved between pages, before
 * any of them is yielded. An instance is listed only when the consumer reaches it, so a
 * bulk job changes an instance only after its listing is complete. Options are checked at
 * once (unknown keys included: a LosantValidationError, thrown). Given to deleteTokens or
 * patchTokens, the listing also stops when the job is aborted.
 *
 * @example
 * const tokens = selectTokens(client, { instanceIds, filterField: "name", filter: "ci-*" });
 * await patchTokens(client, tokens, { apiToken: { status: "inactive" } });
 */
export function selectTokens(
  client: Client,
  options: SelectTokensOptions,
): AsyncIterable<{ instanceId: string; apiTokenId: string }> {
  // Strict and read once: a misspelt `fitler` must not select every token, and a hostile
  // options object (getters, Proxies) is a validation error, not a TypeError.
  options = parseParams(SelectTokensOptionsSchema, options, "selectTokens", "options");
  const instanceIds = [...new Set([...options.instanceIds].map((id) => String(id).toLowerCase()))];
  const perPage = options.perPage ?? 100;
  // Bad input fails now, not halfway through a job.
  for (const instanceId of instanceIds) {
    parseParams(
      ListTokensParamsSchema,
      { instanceId, filterField: options.filterField, filter: options.filter, perPage },
      "selectTokens",
    );
  }
  async function* iterate(jobSignal?: AbortSignal) {
    const own = options.callOptions?.signal;
    const signal = jobSignal === undefined || own === undefined
      ? jobSignal ?? own
      : AbortSignal.any([jobSignal, own]);
    const callOptions = signal === undefined
      ? options.callOptions
      : { ...options.callOptions, signal };
    for (const instanceId of instanceIds) {
      const ids = await listIds(client, instanceId, options, perPage, callOptions);
      for (const apiTokenId of ids) yield { instanceId, apiTokenId } satisfies TokenParams;
    }
  }
  const selection: SignalIterable<TokenParams> = {
    [Symbol.asyncIterator]: () => iterate(),
    // A job reading this selection aborts the listing in progress when it stops.
    [ITERATE_WITH_SIGNAL]: (signal) => iterate(signal),
  };
  return selection;
}

async function listIds(
  client: Client,
  instanceId: string,
  options: SelectTokensOptions,
  perPage: number,
  callOptions: CallOptions | undefined,
): Promise<string[]> {
  const listing = await readConsistentListing(
    client,
    { instanceId, filterField: options.filterField, filter: options.filter, perPage },
    callOptions,
    MAX_LISTINGS,
  );
  if (!listing.consistent) {
    throw new LosantError(
      `selectTokens: the tokens of instance ${instanceId} kept changing during ${MAX_LISTINGS} listings`,
      { action: "selectTokens" },
    );
  }
  const where = options.where;
  const ids: string[] = [];
  for (const [id, token] of listing.tokens) if (where === undefined || where(token)) ids.push(id);
  return ids.sort();
}
