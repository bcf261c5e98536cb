import { Observable, type Subscriber } from "rxjs";
import type * as v from "valibot";
import { clockSleep, schedulerClock } from "./watch-clock.ts";
import { type WatchTokensOptions, WatchTokensOptionsSchema } from "./watch-options.ts";
import { type Listing, readConsistentListing } from "../listing/read-listing.ts";
import { type Client, coreOf } from "../client.ts";
import { LosantApiError, LosantResponseError, LosantRetryAfterError } from "../errors.ts";
import { changedFields } from "../listeners/changed-fields.ts";
import { deepFreeze } from "../listeners/deep-freeze.ts";
import { redactEvent } from "../scrub.ts";
import type { ApiToken } from "../schemas/api-token.ts";
import { isRetryable } from "../pipeline/retry-policy.ts";
import { parseParams } from "../validate.ts";
import type { WatchEvent } from "./watch-event.ts";

export type { WatchTokensOptions } from "./watch-options.ts";

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
  const core = coreOf(client);
  const checked = parseParams(WatchTokensOptionsSchema, options, "watchTokens", "options");
  // The public scheduler/now/sleep options are adapters onto the one clock.
  const clock = checked.scheduler === undefined ? core.clock : schedulerClock(checked.scheduler);
  const now = checked.now ?? (() => clock.now());
  const sleep = checked.sleep ?? ((delay, signal) => clockSleep(clock, delay, signal));
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

/**
 * Errors worth another poll: what the retry stage calls transient (`isRetryable`, the one
 * definition), plus what a later poll may not meet again (a wait beyond maxRetryAfter, a
 * page of the wrong shape, any 5xx). Everything else (401, 403, 404, 400, bugs) ends it.
 */
function isTransient(error: unknown): boolean {
  return isRetryable(error) || error instanceof LosantRetryAfterError ||
    error instanceof LosantResponseError ||
    (error instanceof LosantApiError && error.statusCode >= 500);
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
