import * as v from "valibot";
import { inputObject } from "../schemas/input.ts";
import type { RetryOptions } from "../pipeline/retry-options.ts";
import { callOptionEntries } from "../schemas/client-options.ts";
import { parseParams } from "../validate.ts";
import type { BatchProgress } from "./report.ts";
import type { BatchStarted, ResultLine } from "./result.ts";

/** Options shared by patchTokens and deleteTokens. */
export interface BatchOptions {
  /** Attempts on the wire at once, all instances together (default 8). */
  concurrency?: number;
  /** Attempts on the wire at once to one instance (default: `concurrency`). */
  perInstanceConcurrency?: number;
  /** Attempt starts per second to one instance, retries included (default: unpaced). */
  ratePerInstance?: number;
  /** Aborting stops the batch gracefully (see `abortGraceMs`). */
  signal?: AbortSignal;
  /**
   * `true`: validate each item and GET its token to report `wouldChange`; `"validate"`:
   * validate only, sending nothing. Either way nothing that mutates is sent.
   */
  dryRun?: boolean | "validate";
  /** Stop (as on abort) once this many items have failed. */
  stopAfterFailures?: number;
  /**
   * After this many 403s in a row from one instance (default 3), that instance's remaining
   * items are cancelled unsent (type `InstanceForbidden`) while other instances go on: a 403
   * is most often "this token may not act on that instance". `false`: never.
   */
  stopInstanceAfterForbidden?: number | false;
  /**
   * How long calls in flight may take to settle after a stop, in ms (default 5000). An item
   * waiting to retry is not in flight: a stop cancels it at once.
   */
  abortGraceMs?: number;
  /** Told the counts and rate every `progressIntervalMs` and once at the end. */
  onProgress?: (progress: BatchProgress) => void;
  /** Default 1000 ms. */
  progressIntervalMs?: number;
  /** Keep succeeded and skipped results in the report (default false). */
  keepResults?: boolean;
  /** Put the token the server returned in results (patch, dry run; never its secret). */
  includeTokens?: boolean;
  /**
   * Told, synchronously, just before an item's first mutating request. Write the entry to
   * the same NDJSON as the results (`toNdjson(entry)`): a run killed with calls in flight
   * then leaves a line for each of them, and `resume` retries them as outcome unknown (a
   * delete's 404 meaning it was done) instead of failing them as not found.
   */
  onStart?: (entry: BatchStarted) => void;
  /** Results of an earlier run (e.g. `readResults(stream)`): what succeeded is skipped. */
  resume?: Iterable<ResultLine> | AsyncIterable<ResultLine>;
  /** The id of the job's own access token: an item for it runs after every other. */
  selfTokenId?: string;
  /** Merged over the client's retry options for every call of the batch. */
  retry?: RetryOptions | false;
  /** Per-attempt timeout in ms, overriding the client's. */
  timeout?: number;
  /** Items read ahead of the ones started, at most (default max(1024, 16 × concurrency)). */
  maxBuffered?: number;
}

/** BatchOptions with defaults filled in. */
export interface ResolvedBatchOptions extends BatchOptions {
  stopInstanceAfterForbidden: number | false;
  concurrency: number;
  perInstanceConcurrency: number;
  abortGraceMs: number;
  progressIntervalMs: number;
  maxBuffered: number;
  dryRun: false | true | "validate";
}

const count = (min: number) =>
  v.optional(
    v.pipe(
      v.number("must be a number"),
      v.integer("must be an integer"),
      v.minValue(min, `must be at least ${min}`),
    ),
  );
const ms = v.optional(v.pipe(v.number("must be a number"), v.minValue(0, "must be at least 0")));
const fn = <F>(message: string) => v.optional(v.custom<F>((x) => typeof x === "function", message));
const iterable = v.optional(
  v.custom<Iterable<ResultLine> | AsyncIterable<ResultLine>>(
    (x) =>
      typeof x === "object" && x !== null &&
      (Symbol.iterator in x || Symbol.asyncIterator in x),
    "must be an iterable or async iterable of results",
  ),
);

/** The batch options' schema: unknown keys are errors (a misspelt `dryRun` deletes nothing). */
export const BatchOptionsEntries = {
  concurrency: count(1),
  perInstanceConcurrency: count(1),
  ratePerInstance: v.optional(
    v.pipe(v.number("must be a number"), v.gtValue(0, "must be above 0")),
  ),
  signal: callOptionEntries.signal,
  dryRun: v.optional(
    v.union([v.boolean(), v.literal("validate")], 'must be true, false or "validate"'),
  ),
  stopAfterFailures: count(1),
  stopInstanceAfterForbidden: v.optional(
    v.union([
      v.literal(false),
      v.pipe(v.number(), v.integer(), v.minValue(1)),
    ], "must be a whole number of at least 1, or false"),
  ),
  abortGraceMs: ms,
  onProgress: fn<(progress: BatchProgress) => void>("must be a function"),
  onStart: fn<(entry: BatchStarted) => void>("must be a function"),
  progressIntervalMs: ms,
  keepResults: v.optional(v.boolean("must be a boolean")),
  includeTokens: v.optional(v.boolean("must be a boolean")),
  resume: iterable,
  selfTokenId: v.optional(v.string("must be a string")),
  retry: callOptionEntries.retry,
  timeout: callOptionEntries.timeout,
  maxBuffered: count(1),
};

const BATCH_MESSAGE = "must be an object of batch options (concurrency, dryRun, signal, ...)";
const BatchOptionsSchema = inputObject(BatchOptionsEntries, BATCH_MESSAGE);
// One schema per action's own entries, made once (inputObject registers its keys).
const withExtra = new WeakMap<v.ObjectEntries, v.GenericSchema>();

// inputObject: an array or a Date is not an options object (a bare strictObject accepts them).
// The documented interface and the schema describe the same object: a field added to one
// and not the other fails to compile.
type Fields<T> = { [K in keyof T]-?: Exclude<T[K], undefined> };
type Same<A, B> = [Fields<A>] extends [Fields<B>] ? ([Fields<B>] extends [Fields<A>] ? true : false)
  : false;
const _batchOptionsMatch: Same<BatchOptions, v.InferInput<typeof BatchOptionsSchema>> = true;

/**
 * Checks the options (throws LosantValidationError; the job turns that into a rejection)
 * and fills in defaults. `extra` are the entries of an action's own options (patchTokens'
 * `apiToken`), checked in the same strict object.
 */
export function resolveBatchOptions(
  options: BatchOptions,
  action: string,
  extra?: v.ObjectEntries,
): ResolvedBatchOptions {
  let schema: v.GenericSchema | undefined = extra === undefined
    ? BatchOptionsSchema
    : withExtra.get(extra);
  if (schema === undefined) {
    schema = inputObject({ ...BatchOptionsEntries, ...extra }, BATCH_MESSAGE);
    withExtra.set(extra!, schema);
  }
  const checked = parseParams(schema, options ?? {}, action) as BatchOptions;
  const concurrency = checked.concurrency ?? 8;
  return {
    ...options,
    concurrency,
    perInstanceConcurrency: Math.min(checked.perInstanceConcurrency ?? concurrency, concurrency),
    abortGraceMs: checked.abortGraceMs ?? 5_000,
    stopInstanceAfterForbidden: checked.stopInstanceAfterForbidden ?? 3,
    progressIntervalMs: checked.progressIntervalMs ?? 1_000,
    maxBuffered: checked.maxBuffered ?? Math.max(1024, 16 * concurrency),
    dryRun: checked.dryRun ?? false,
  };
}
