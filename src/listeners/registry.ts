import { type Client, type ClientCore, coreOf } from "../client.ts";
import type { RequestEvent } from "./request-event.ts";
import { redactEvent } from "./redact.ts";
import { createTokenCache, type TokenCache } from "./token-cache.ts";
import type { TokenEvent } from "./token-event.ts";

/** A function told about each event; what it returns is ignored (a rejection is caught). */
export type Listener<E> = (event: E) => unknown;

/** How one listener wants its events. */
export interface ListenerOptions<E> {
  /**
   * Deliver a token's `token` secret as the server sent it instead of `"[redacted]"`.
   * Only a created token ever carries one; default false.
   */
  secrets?: boolean;
  /**
   * Told when this listener throws or rejects. Without it the error goes to the client's
   * `logger.warn` when there is one, else it is dropped (and counted): a listener never
   * breaks the call or the listeners after it.
   */
  onError?: (error: unknown, event: E) => void;
}

interface Entry<E> {
  readonly listener: Listener<E>;
  readonly secrets: boolean;
  readonly onError?: (error: unknown, event: E) => void;
}

/** The listeners of one kind of event, shared by a client and every client derived from it. */
export interface Registry<E> {
  readonly entries: Set<Entry<E>>;
  /** Listener failures that had no `onError` to go to. */
  dropped: number;
  readonly logger?: { warn?: unknown };
}

const TOKEN_EVENTS = "losant-tokens.tokenEvents";
const REQUEST_EVENTS = "losant-tokens.requestEvents";
const TOKEN_CACHE = "losant-tokens.tokenCache";

function registryOf<E>(core: ClientCore, key: string): Registry<E> {
  let registry = core.shared[key] as Registry<E> | undefined;
  if (registry === undefined) {
    registry = { entries: new Set(), dropped: 0, logger: core.logger as { warn?: unknown } };
    core.shared[key] = registry;
  }
  return registry;
}

/** The token-event listeners of a client's family (made on first use). */
export function tokenRegistryOf(core: ClientCore): Registry<TokenEvent> {
  return registryOf<TokenEvent>(core, TOKEN_EVENTS);
}

/** The request-event listeners of a client's family (made on first use). */
export function requestRegistryOf(core: ClientCore): Registry<RequestEvent> {
  return registryOf<RequestEvent>(core, REQUEST_EVENTS);
}

/** The tokens the client's family has seen, sized by the `eventCache` option (default 1,000). */
export function tokenCacheOf(core: ClientCore): TokenCache {
  let cache = core.shared[TOKEN_CACHE] as TokenCache | undefined;
  if (cache === undefined) {
    cache = createTokenCache(core.options.eventCache ?? 1000);
    core.shared[TOKEN_CACHE] = cache;
  }
  return cache;
}

function add<E>(registry: Registry<E>, listener: Listener<E>, options: ListenerOptions<E>): () => void {
  if (typeof listener !== "function") throw new TypeError("listener must be a function");
  const entry: Entry<E> = { listener, secrets: options.secrets === true, onError: options.onError };
  registry.entries.add(entry);
  return () => {
    registry.entries.delete(entry);
  };
}

function fail<E>(registry: Registry<E>, entry: Entry<E>, error: unknown, event: E): void {
  try {
    if (entry.onError !== undefined) return entry.onError(error, event);
    const warn = registry.logger?.warn;
    if (typeof warn === "function") return warn.call(registry.logger, { err: error }, "event listener failed");
  } catch {
    // A failing error handler is a listener failure too: still nobody else's problem.
  }
  registry.dropped += 1;
}

/**
 * Tells every listener, each in its own try/catch. The secret-free copy of an event is made
 * at most once, and only when the event holds a secret.
 */
export function emit<E extends object>(registry: Registry<E>, event: NoInfer<E>): void {
  let redacted: E | undefined;
  // A snapshot: a listener added while this event is delivered starts with the next one.
  for (const entry of [...registry.entries]) {
    const delivered = entry.secrets ? event : (redacted ??= redactEvent(event as never) as E);
    try {
      const result = entry.listener(delivered);
      if (result instanceof Promise) result.catch((error) => fail(registry, entry, error, delivered));
    } catch (error) {
      fail(registry, entry, error, delivered);
    }
  }
}

/**
 * Calls `listener` with a {@link TokenEvent} after every successful call of this client and
 * of every client derived from it with `use()`. Returns the function that stops it.
 *
 * @example
 * const stop = onTokenEvent(client, (e) => {
 *   if (e.type === "updated") audit(e.apiTokenId, e.changes);
 * });
 * await patchToken(client, { instanceId, apiTokenId, apiToken: { status: "inactive" } });
 * stop();
 */
export function onTokenEvent(
  client: Client,
  listener: Listener<TokenEvent>,
  options: ListenerOptions<TokenEvent> = {},
): () => void {
  return add(tokenRegistryOf(coreOf(client)), listener, options);
}

/**
 * Calls `listener` with a {@link RequestEvent} at each step of each attempt (request,
 * response, retry, error) of this client and every client derived from it. Returns the
 * function that stops it.
 *
 * @example
 * const stop = onRequestEvent(client, (e) => {
 *   if (e.type === "response") metrics.timing(e.action, e.durationMs!, { status: e.status });
 * });
 */
export function onRequestEvent(
  client: Client,
  listener: Listener<RequestEvent>,
  options: ListenerOptions<RequestEvent> = {},
): () => void {
  return add(requestRegistryOf(coreOf(client)), listener, options);
}
