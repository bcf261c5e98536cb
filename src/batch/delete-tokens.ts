import type { Client } from "../client.ts";
import { deleteToken } from "../actions/delete-token.ts";
import { type TokenParams, TokenParamsSchema } from "../schemas/token-params.ts";
import { parseParams } from "../validate.ts";
import { type BatchJob, createJob } from "./job.ts";
import { type BatchOptions, resolveBatchOptions } from "./options.ts";
import { type BatchInput, type BatchOperation, runBatch } from "./run-batch.ts";

const deleteOperation: BatchOperation<TokenParams> = {
  name: "deleteTokens",
  method: "DELETE",
  validate: (raw) => parseParams(TokenParamsSchema, raw, "deleteToken"),
  async run(client, params, options) {
    const result = await deleteToken(client, params, options);
    return { outcome: result.alreadyDeleted ? "alreadyDeleted" : "deleted" };
  },
  // A token that exists would be deleted.
  wouldChange: () => true,
};

/**
 * Deletes many tokens across instances: paced, bounded, resumable, and exact about what it
 * did. Items are `deleteToken` params from an array, an iterable or an async iterable (for
 * example `selectTokens`), read lazily. Options are checked at once (LosantValidationError).
 *
 * @example
 * const job = deleteTokens(client, selectTokens(client, { instanceIds, filter: "ci-*" }), {
 *   concurrency: 16, perInstanceConcurrency: 4, selfTokenId,
 * });
 * job.results$.subscribe((r) => out.write(toNdjson(r)));
 * const report = await job;
 * console.log(`${report.succeeded} deleted, ${report.failed} failed`);
 */
export function deleteTokens(
  client: Client,
  items: BatchInput<TokenParams>,
  options: BatchOptions = {},
): BatchJob {
  const resolved = resolveBatchOptions(options, "deleteTokens");
  checkInput(items, "deleteTokens");
  return createJob((stream) => runBatch(client, items, deleteOperation, resolved, stream));
}

/** Throws a TypeError at once for an input that is not iterable. */
export function checkInput(items: unknown, action: string): void {
  const ok = typeof items === "object" && items !== null &&
    (Symbol.iterator in items || Symbol.asyncIterator in items);
  if (!ok) {
    throw new TypeError(`${action}: items must be an array, an iterable or an async iterable`);
  }
}
