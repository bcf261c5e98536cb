import type { SchedulerLike } from "rxjs";
import * as v from "valibot";
import type { CallOptions } from "../actions/run-action.ts";
import { callOptionEntries } from "../schemas/client-options.ts";
import { inputObject } from "../schemas/input.ts";
import { IdSchema } from "../schemas/id.ts";

/** Options of {@link watchTokens}. */
export interface WatchTokensOptions {
  /** The instances to watch; each gets its own poll loop. */
  instanceIds: readonly string[];
  /** Time from the end of one listing to the start of the next, in ms. */
  intervalMs: number;
  /** Emit `expiring` once a token's expirationDate is this close (ms); none when omitted. */
  expiringWithinMs?: number;
  /** Page size, 1 to 1000 (default 1000: most instances list in one atomic request). */
  perPage?: number;
  /** Re-lists when a listing shifted mid-way, before giving up on it for this round (default 3). */
  maxRelists?: number;
  /** Upper bound of the backoff after failed polls (default max(intervalMs, 60 s)). */
  maxBackoffMs?: number;
  /** Deliver token secrets as sent instead of `"[redacted]"` (default false). */
  secrets?: boolean;
  /** Per-request timeout and retry for the listing calls; the client's by default. */
  timeout?: CallOptions["timeout"];
  /** Retry settings for the listing calls; the client's by default. */
  retry?: CallOptions["retry"];
  /**
   * Clock and timers as an RxJS scheduler (a VirtualTimeScheduler in tests). Default: the
   * client's clock (`createClient({ clock })`), which is the better way to inject time.
   */
  scheduler?: SchedulerLike;
  /** Overrides the clock (epoch ms): what expiry is measured against. */
  now?: () => number;
  /** Overrides the timers between polls; must resolve early when `signal` aborts. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

const fn = <T>() => v.custom<T>((x) => typeof x === "function", "must be a function");
const ms = (min: number) =>
  v.pipe(v.number("must be a number"), v.minValue(min, `must be at least ${min}`));

/** watchTokens' options schema: unknown keys are errors. */
export const WatchTokensOptionsSchema = inputObject(
  {
    instanceIds: v.pipe(
      v.array(IdSchema, "must be an array of instance ids"),
      v.minLength(1, "must name at least one instance"),
      v.readonly(),
    ),
    intervalMs: ms(1),
    expiringWithinMs: v.optional(ms(0)),
    perPage: v.optional(
      v.pipe(ms(1), v.integer("must be an integer"), v.maxValue(1000, "must be at most 1000")),
    ),
    maxRelists: v.optional(v.pipe(ms(0), v.integer("must be an integer"))),
    maxBackoffMs: v.optional(ms(1)),
    secrets: v.optional(v.boolean("must be a boolean")),
    timeout: callOptionEntries.timeout,
    retry: callOptionEntries.retry,
    scheduler: v.optional(
      v.custom<SchedulerLike>(
        (x) => typeof (x as SchedulerLike | undefined)?.schedule === "function",
        "must be an RxJS scheduler",
      ),
    ),
    now: v.optional(fn<() => number>()),
    sleep: v.optional(fn<(ms: number, signal: AbortSignal) => Promise<void>>()),
  },
  "must be an object of instanceIds, intervalMs, expiringWithinMs, perPage, maxRelists, maxBackoffMs, secrets, timeout, retry, scheduler, now, sleep",
);

// The documented interface and the schema describe the same object (compile-time check).
type Fields<T> = { [K in keyof T]-?: Exclude<T[K], undefined> };
type Same<A, B> = [Fields<A>] extends [Fields<B>] ? ([Fields<B>] extends [Fields<A>] ? true : false)
  : false;
const _watchOptionsMatch: Same<
  WatchTokensOptions,
  v.InferOutput<typeof WatchTokensOptionsSchema>
> = true;
