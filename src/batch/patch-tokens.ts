import type { Client } from "../client.ts";
import { deepEqual } from "../utils/deep-equal.ts";
import { isPlainObject } from "../schemas/input.ts";
import { patchToken } from "../actions/patch-token.ts";
import type { ApiToken } from "../schemas/api-token.ts";
import { type ApiTokenPatch, ApiTokenPatchSchema } from "../schemas/api-token-patch.ts";
import { type PatchTokenParams, PatchTokenParamsSchema } from "../schemas/patch-token-params.ts";
import { parseParams } from "../validate.ts";
import * as v from "valibot";
import { type BulkAction, bulkJob } from "./bulk-job.ts";
import type { BatchJob } from "./job.ts";
import type { BatchOptions } from "./options.ts";
import type { BatchInput, BatchOperation } from "./run-batch.ts";

/** A patchTokens item: patchToken's params, `apiToken` optional when the options give one. */
export type PatchTokensItem = Omit<PatchTokenParams, "apiToken"> & {
  apiToken?: PatchTokenParams["apiToken"];
};

/** patchTokens' options: the batch options and a patch for every item. */
export interface PatchTokensOptions extends BatchOptions {
  /** Applied to every item, under the item's own `apiToken` fields. */
  apiToken?: ApiTokenPatch;
}

function patchOperation(defaults: ApiTokenPatch | undefined): BatchOperation<PatchTokenParams> {
  return {
    name: "patchTokens",
    validate(raw) {
      let input = raw;
      if (defaults !== undefined && typeof raw === "object" && raw !== null) {
        const own = (raw as PatchTokensItem).apiToken;
        // Only a plain patch object merges over the defaults: anything else (a string, an
        // array, a Date) stays as it is, so validation refuses it instead of dropping it.
        input = {
          ...raw,
          apiToken: isPlainObject(own) || own === undefined ? { ...defaults, ...own } : own,
        };
      }
      return parseParams(PatchTokenParamsSchema, input, "patchToken");
    },
    started: (params) => ({ apiToken: params.apiToken as ApiTokenPatch }),
    async run(client, params, options) {
      const token = await patchToken(client, params, options);
      return { outcome: "patched", token };
    },
    wouldChange: (token, params) => wouldPatchChange(token, params.apiToken as ApiTokenPatch),
  };
}

/**
 * Whether applying `patch` would change `token`: some field differs. Arrays compare in
 * order, objects by their keys.
 *
 * @example
 * wouldPatchChange({ id, status: "active" }, { status: "inactive" }); // true
 */
export function wouldPatchChange(token: ApiToken, patch: ApiTokenPatch): boolean {
  const current = token as Record<string, unknown>;
  return Object.entries(patch).some(([field, value]) =>
    value !== undefined && !deepEqual(current[field], value)
  );
}

/**
 * Patches many tokens across instances: paced, bounded, resumable, and exact about what it
 * did. Items are `patchToken` params from an array, an iterable or an async iterable (for
 * example `selectTokens`), read lazily; `options.apiToken` is a patch for every item.
 *
 * @example
 * // Deactivate every token named ci-* across these instances:
 * const tokens = selectTokens(client, { instanceIds, filterField: "name", filter: "ci-*" });
 * const report = await patchTokens(client, tokens, { apiToken: { status: "inactive" } });
 */
export function patchTokens(
  client: Client,
  items: BatchInput<PatchTokensItem>,
  options?: PatchTokensOptions,
): BatchJob {
  return bulkJob(client, items, options, patchAction);
}

const patchAction: BulkAction<PatchTokenParams, PatchTokensOptions> = {
  name: "patchTokens",
  options: { apiToken: v.optional(ApiTokenPatchSchema) },
  operation: (options) => patchOperation(options.apiToken),
};
