import { parseParams } from "../validate.ts";
import { ListenerOptionsSchema as TokenEventsOptionsSchema } from "../schemas/listener-options.ts";
import { Observable, share } from "rxjs";
import type { Client } from "../client.ts";
import type { ListenerOptions } from "../listeners/registry.ts";
import { onRequestEvent } from "../listeners/on-request-event.ts";
import { onTokenEvent } from "../listeners/on-token-event.ts";
import type { RequestEvent } from "../listeners/request-event.ts";
import type { TokenEvent } from "../listeners/token-event.ts";

/** Options of {@link tokenEvents}. */
export interface TokenEventsOptions {
  /** Deliver token secrets as sent instead of `"[redacted]"` (default false). */
  secrets?: boolean;
}

/**
 * A hot, multicast stream over a registry: the first subscriber adds one listener, the last
 * one to leave removes it, and every subscriber sees the events made while it is subscribed.
 */
function fromRegistry<E>(
  add: (listener: (event: E) => void, options: ListenerOptions<E>) => () => void,
  options: ListenerOptions<E>,
): Observable<E> {
  return new Observable<E>((subscriber) => add((event) => subscriber.next(event), options))
    .pipe(share());
}

/**
 * Every token event of `client` and the clients derived from it, as a hot Observable: what
 * `onTokenEvent` would tell a listener, for as long as someone is subscribed.
 *
 * @example
 * tokenEvents(client).pipe(ofType("deleted")).subscribe((e) => audit.log("revoked", e.apiTokenId));
 */
export function tokenEvents(
  client: Client,
  options: TokenEventsOptions = {},
): Observable<TokenEvent> {
  parseParams(TokenEventsOptionsSchema, options, "tokenEvents", "options");
  return fromRegistry<TokenEvent>(
    (listener, o) => onTokenEvent(client, listener, o),
    { secrets: options.secrets === true },
  );
}

/**
 * Every request event (request, response, retry, error) of `client` and the clients derived
 * from it, as a hot Observable.
 *
 * @example
 * requestEvents(client).pipe(ofType("retry")).subscribe((e) => metrics.increment("retries", { action: e.action }));
 */
export function requestEvents(client: Client): Observable<RequestEvent> {
  return fromRegistry<RequestEvent>((listener, o) => onRequestEvent(client, listener, o), {});
}
