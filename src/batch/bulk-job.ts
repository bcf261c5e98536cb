import type * as v from "valibot";
import type { Client } from "../client.ts";
import { type BatchJob, createJob } from "./job.ts";
import { type BatchOptions, resolveBatchOptions } from "./options.ts";
import { type BatchInput, type BatchOperation, runBatch } from "./run-batch.ts";

/** What a bulk action adds to the engine: its name, its own options and its operation. */
export interface BulkAction<P extends { instanceId: string; apiTokenId: string }, O> {
  /** `deleteTokens`, `patchTokens`, ...: names the action in errors and logs. */
  readonly name: string;
  /** Entries of the action's own options, beyond BatchOptions (checked strictly with them). */
  readonly options?: v.ObjectEntries;
  /** The operation, made from the checked options. */
  operation(options: O): BatchOperation<P>;
}

/**
 * Starts a bulk action as a lazy {@link BatchJob}. Bad options or input are found now but
 * reported as the job's rejection (a LosantValidationError or TypeError): nothing is thrown
 * synchronously, and nothing is sent.
 *
 * @example
 * export const deleteTokens = (client, items, options) => bulkJob(client, items, options, DELETE);
 */
export function bulkJob<
  P extends { instanceId: string; apiTokenId: string },
  O extends BatchOptions,
>(
  client: Client,
  items: BatchInput<unknown>,
  options: O | undefined,
  action: BulkAction<P, O>,
): BatchJob {
  let start: Parameters<typeof createJob>[0];
  try {
    const given = (options ?? {}) as O;
    const resolved = resolveBatchOptions(given, action.name, action.options);
    checkInput(items, action.name);
    const operation = action.operation(given);
    start = (stream) => runBatch(client, items, operation, resolved, stream);
  } catch (error) {
    start = () => Promise.reject(error);
  }
  return createJob(start);
}

/** A TypeError for an input that is not iterable. */
function checkInput(items: unknown, action: string): void {
  const ok = typeof items === "object" && items !== null &&
    (Symbol.iterator in items || Symbol.asyncIterator in items);
  if (!ok) {
    throw new TypeError(`${action}: items must be an array, an iterable or an async iterable`);
  }
}
