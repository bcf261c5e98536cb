import type { Client } from "../client.ts";
import { patchToken } from "../actions/patch-token.ts";
import type { ApiToken } from "../schemas/api-token.ts";
import { type ApiTokenPatch, ApiTokenPatchSchema } from "../schemas/api-token-patch.ts";
import { type PatchTokenParams, PatchTokenParamsSchema } from "../schemas/patch-token-params.ts";
import { parseParams } from "../validate.ts";
import { checkInput } from "./delete-tokens.ts";
import { type BatchJob, createJob } from "./job.ts";
import { type BatchOptions, resolveBatchOptions } from "./options.ts";
import { type BatchInput, type BatchOperation, runBatch } from "./run-batch.ts";

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
    method: "PATCH",
    validate(raw) {
      let input = raw;
      if (defaults !== undefined && typeof raw === "object" && raw !== null) {
        const own = (raw as PatchTokensItem).apiToken;
        input = { ...raw, apiToken: { ...defaults, ...(typeof own === "object" ? own : {}) } };
      }
      return parseParams(PatchTokenParamsSchema, input, "patchToken");
    },
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
    value !== undefined && !same(current[field], value)
  );
}

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keys = Object.keys(x);
  return keys.length === Object.keys(y).length && keys.every((k) => same(x[k], y[k]));
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
  options: PatchTokensOptions = {},
): BatchJob {
  const resolved = resolveBatchOptions(options, "patchTokens");
  const defaults = options.apiToken === undefined
    ? undefined
    : parseParams(ApiTokenPatchSchema, options.apiToken, "patchTokens");
  checkInput(items, "patchTokens");
  return createJob((stream) => runBatch(client, items, patchOperation(defaults), resolved, stream));
}
