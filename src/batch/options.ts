import * as v from "valibot";
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
  /** How long calls in flight may take to settle after a stop, in ms (default 5000). */
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
const fn = (message: string) =>
  v.optional(v.custom<(...args: never[]) => unknown>((x) => typeof x === "function", message));
const iterable = v.optional(
  v.custom<Iterable<ResultLine> | AsyncIterable<ResultLine>>(
    (x) =>
      typeof x === "object" && x !== null &&
      (Symbol.iterator in x || Symbol.asyncIterator in x),
    "must be an iterable or async iterable of results",
  ),
);

const BatchOptionsSchema = v.object({
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
  abortGraceMs: ms,
  onProgress: fn("must be a function"),
  onStart: fn("must be a function"),
  progressIntervalMs: ms,
  keepResults: v.optional(v.boolean("must be a boolean")),
  includeTokens: v.optional(v.boolean("must be a boolean")),
  resume: iterable,
  selfTokenId: v.optional(v.string("must be a string")),
  retry: callOptionEntries.retry,
  timeout: callOptionEntries.timeout,
  maxBuffered: count(1),
});

/** Checks the options (a LosantValidationError, thrown at once) and fills in defaults. */
export function resolveBatchOptions(options: BatchOptions, action: string): ResolvedBatchOptions {
  const checked = parseParams(BatchOptionsSchema, options, action) as BatchOptions;
  const concurrency = checked.concurrency ?? 8;
  return {
    ...options,
    concurrency,
    perInstanceConcurrency: Math.min(checked.perInstanceConcurrency ?? concurrency, concurrency),
    abortGraceMs: checked.abortGraceMs ?? 5_000,
    progressIntervalMs: checked.progressIntervalMs ?? 1_000,
    maxBuffered: checked.maxBuffered ?? Math.max(1024, 16 * concurrency),
    dryRun: checked.dryRun ?? false,
  };
}
