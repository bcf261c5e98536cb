import { asyncScheduler, Observable, type SchedulerLike, type Subscriber } from "rxjs";
import { inputObject } from "../schemas/input.ts";
import * as v from "valibot";
import { type Listing, readConsistentListing } from "../listing/read-listing.ts";
import type { CallOptions } from "../actions/run-action.ts";
import { type Client, coreOf } from "../client.ts";
import {
  LosantApiError,
  LosantNetworkError,
  LosantResponseError,
  LosantRetryAfterError,
  LosantTimeoutError,
} from "../errors.ts";
import { changedFields } from "../listeners/changed-fields.ts";
import { deepFreeze } from "../listeners/deep-freeze.ts";
import { redactEvent } from "../scrub.ts";
import type { ApiToken } from "../schemas/api-token.ts";
import { callOptionEntries } from "../schemas/client-options.ts";
import { IdSchema } from "../schemas/id.ts";
import { parseParams } from "../validate.ts";
import type { WatchEvent } from "./watch-event.ts";

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
  retry?: CallOptions["retry"];
  /** Clock and timers (default asyncScheduler); a VirtualTimeScheduler drives it in tests. */
  scheduler?: SchedulerLike;
  /** Overrides the scheduler's clock (epoch ms): what expiry is measured against. */
  now?: () => number;
  /** Overrides the scheduler's timers; must resolve early when `signal` aborts. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

const fn = <T>() => v.custom<T>((x) => typeof x === "function", "must be a function");
const ms = (min: number) =>
  v.pipe(v.number("must be a number"), v.minValue(min, `must be at least ${min}`));

const WatchTokensOptionsSchema = inputObject({
  instanceIds: v.pipe(
    v.array(IdSchema, "must be an array of instance ids"),
    v.minLength(1, "must name at least one instance"),
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
}, "must be an object of watchTokens options (instanceIds, intervalMs, ...)");

/** What a poll loop needs; one per subscription. */
interface Poller {
  readonly client: Client;
  readonly options: v.InferOutput<typeof WatchTokensOptionsSchema>;
  readonly signal: AbortSignal;
  readonly now: () => number;
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly emit: (event: WatchEvent) => void;
}

/**
 * Polls the tokens of some instances and emits what changed between listings: `baseline`,
 * then `created`, `updated`, `deleted`, `expiring`, `expired`, and `pollError` on transient
 * failures (401, 403, 404 and bad input error the stream). Cold: each subscription runs its
 * own loops, so add `share()` for one set of loops however many subscribe. Unsubscribing
 * stops every loop and aborts the requests in flight.
 *
 * @example
 * const watch$ = watchTokens(client, { instanceIds: [instanceId], intervalMs: 30_000 }).pipe(share());
 * watch$.pipe(ofType("deleted")).subscribe((e) => alert(`token ${e.previous.name} was deleted`));
 * watch$.pipe(ofType("expiring")).subscribe((e) => remind(e.token.name, e.expiresInMs));
 */
export function watchTokens(client: Client, options: WatchTokensOptions): Observable<WatchEvent> {
  coreOf(client);
  const checked = parseParams(WatchTokensOptionsSchema, options, "watchTokens", "options");
  const scheduler = checked.scheduler ?? asyncScheduler;
  const now = checked.now ?? (() => scheduler.now());
  const sleep = checked.sleep ?? ((delay, signal) => schedulerSleep(scheduler, delay, signal));
  const secrets = checked.secrets === true;

  return new Observable<WatchEvent>((subscriber: Subscriber<WatchEvent>) => {
    const controller = new AbortController();
    const poller: Poller = {
      client,
      options: checked,
      signal: controller.signal,
      now,
      sleep,
      emit: (event) => {
        if (!controller.signal.aborted) {
          subscriber.next(secrets ? event : redactEvent(event as never));
        }
      },
    };
    for (const instanceId of checked.instanceIds) {
      pollInstance(poller, instanceId).catch((error) => {
        if (!controller.signal.aborted) subscriber.error(error);
      });
    }
    return () => controller.abort();
  });
}

/** A delay on the scheduler's timers, cut short (resolved) by an abort. */
function schedulerSleep(
  scheduler: SchedulerLike,
  delay: number,
  signal: AbortSignal,
): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = (): void => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    };
    const onAbort = (): void => {
      timer.unsubscribe();
      resolve();
    };
    const timer = scheduler.schedule(done, delay);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** Per instance: what the last listing said, and which expiry events were already sent. */
interface InstanceState {
  known?: Map<string, ApiToken>;
  readonly expiringSent: Set<string>;
  readonly expiredSent: Set<string>;
  failures: number;
}

async function pollInstance(poller: Poller, instanceId: string): Promise<void> {
  const state: InstanceState = { expiringSent: new Set(), expiredSent: new Set(), failures: 0 };
  const { options, signal } = poller;
  while (!signal.aborted) {
    let delay = options.intervalMs;
    try {
      await poll(poller, instanceId, state);
      state.failures = 0;
    } catch (error) {
      if (signal.aborted) return;
      if (!isTransient(error)) throw error;
      state.failures += 1;
      delay = backoff(poller, state.failures, error);
      poller.emit(
        Object.freeze({
          type: "pollError",
          instanceId,
          error,
          retryInMs: delay,
          at: iso(poller.now()),
        }),
      );
    }
    await poller.sleep(delay, signal);
  }
}

/** Errors worth another poll; everything else (401, 403, 404, 400, bugs) ends the stream. */
function isTransient(error: unknown): boolean {
  if (error instanceof LosantApiError) {
    return error instanceof LosantRetryAfterError || error.statusCode === 408 ||
      error.statusCode === 429 || error.statusCode >= 500;
  }
  return error instanceof LosantNetworkError || error instanceof LosantTimeoutError ||
    error instanceof LosantResponseError;
}

function backoff(poller: Poller, failures: number, error: unknown): number {
  const { intervalMs, maxBackoffMs } = poller.options;
  const cap = maxBackoffMs ?? Math.max(intervalMs, 60_000);
  const delay = Math.min(intervalMs * 2 ** (failures - 1), cap);
  // The server named a moment: polling earlier would only be refused again.
  if (error instanceof LosantRetryAfterError) {
    return Math.max(delay, error.retryAt.getTime() - poller.now());
  }
  return delay;
}

async function consistentListing(poller: Poller, instanceId: string): Promise<Listing> {
  const { options, signal } = poller;
  const listing = await readConsistentListing(
    poller.client,
    { instanceId, perPage: options.perPage },
    { signal, timeout: options.timeout, retry: options.retry },
    (options.maxRelists ?? 3) + 1,
  );
  for (const token of listing.tokens.values()) deepFreeze(token);
  return listing;
}

async function poll(poller: Poller, instanceId: string, state: InstanceState): Promise<void> {
  let listing = await consistentListing(poller, instanceId);
  const known = state.known;
  if (known === undefined) {
    // No baseline from a listing that shifted: every missing token would look deleted later.
    if (!listing.consistent) return;
    state.known = new Map(listing.tokens);
    poller.emit(
      Object.freeze({
        type: "baseline",
        instanceId,
        count: listing.tokens.size,
        at: iso(poller.now()),
      }),
    );
    for (const token of listing.tokens.values()) checkExpiry(poller, instanceId, state, token);
    return;
  }

  // Across several pages, a token skipped by a shift the counts could not see would look
  // deleted: a second listing must miss it too. One page is one atomic read: no need.
  if (
    listing.consistent && listing.pages > 1 &&
    [...known.keys()].some((id) => !listing.tokens.has(id))
  ) {
    const again = await consistentListing(poller, instanceId);
    if (again.consistent) {
      for (const [id, token] of listing.tokens) {
        if (!again.tokens.has(id) && known.has(id)) again.tokens.set(id, token);
      }
      listing = again;
    } else {
      listing = { ...listing, consistent: false };
    }
  }

  const at = iso(poller.now());
  for (const [id, token] of listing.tokens) {
    const previous = known.get(id);
    known.set(id, token);
    if (previous === undefined) {
      poller.emit(Object.freeze({ type: "created", instanceId, apiTokenId: id, token, at }));
    } else if (previous !== token) {
      const changes = changedFields(previous, token);
      if (changes.length > 0 || previous.lastUpdated !== token.lastUpdated) {
        poller.emit(
          Object.freeze({
            type: "updated",
            instanceId,
            apiTokenId: id,
            token,
            previous,
            changes: Object.freeze(changes),
            at,
          }),
        );
      }
      if (previous.expirationDate !== token.expirationDate) {
        // A new date re-arms the expiry events: an extended token can expire again.
        state.expiringSent.delete(id);
        state.expiredSent.delete(id);
      }
    }
    checkExpiry(poller, instanceId, state, token);
  }
  // Only a complete, consistent listing can say a token is gone.
  if (!listing.consistent) return;
  for (const [id, previous] of known) {
    if (listing.tokens.has(id)) continue;
    known.delete(id);
    state.expiringSent.delete(id);
    state.expiredSent.delete(id);
    poller.emit(Object.freeze({ type: "deleted", instanceId, apiTokenId: id, previous, at }));
  }
}

function checkExpiry(
  poller: Poller,
  instanceId: string,
  state: InstanceState,
  token: ApiToken,
): void {
  const expirationDate = token.expirationDate;
  if (expirationDate === undefined) return;
  const expiresAt = Date.parse(expirationDate);
  if (Number.isNaN(expiresAt)) return;
  const now = poller.now();
  const id = token.id;
  const base = { instanceId, apiTokenId: id, token, expirationDate, at: iso(now) };
  if (expiresAt <= now) {
    if (state.expiredSent.has(id)) return;
    state.expiredSent.add(id);
    state.expiringSent.add(id);
    poller.emit(Object.freeze({ type: "expired", ...base }));
    return;
  }
  const window = poller.options.expiringWithinMs;
  if (window === undefined || expiresAt - now > window || state.expiringSent.has(id)) return;
  state.expiringSent.add(id);
  poller.emit(Object.freeze({ type: "expiring", ...base, expiresInMs: expiresAt - now }));
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
