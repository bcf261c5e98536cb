import type { Client } from "../client.ts";
import { deleteToken } from "../actions/delete-token.ts";
import { type TokenParams, TokenParamsSchema } from "../schemas/token-params.ts";
import { parseParams } from "../validate.ts";
import { type BulkAction, bulkJob } from "./bulk-job.ts";
import type { BatchJob } from "./job.ts";
import type { BatchOptions } from "./options.ts";
import type { BatchInput } from "./run-batch.ts";

const deleteAction: BulkAction<TokenParams, BatchOptions> = {
  name: "deleteTokens",
  operation: () => ({
    name: "deleteTokens",
    validate: (raw) => parseParams(TokenParamsSchema, raw, "deleteToken"),
    async run(client, params, options) {
      const result = await deleteToken(client, params, options);
      return { outcome: result.alreadyDeleted ? "alreadyDeleted" : "deleted" };
    },
    // A token gone after an attempt whose outcome is unknown was deleted by that attempt.
    notFoundAfterUnknown: "alreadyDeleted",
    // A token that exists would be deleted.
    wouldChange: () => true,
  }),
};

/**
 * Deletes many tokens across instances: paced, bounded, resumable, and exact about what it
 * did. Items are `deleteToken` params from an array, an iterable or an async iterable (for
 * example `selectTokens`), read lazily. Bad options reject the job (LosantValidationError)
 * before anything is sent.
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
  options?: BatchOptions,
): BatchJob {
  return bulkJob(client, items, options, deleteAction);
}
