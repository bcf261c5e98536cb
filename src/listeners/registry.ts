import { ListenerOptionsSchema } from "../schemas/listener-options.ts";
import { parseParams } from "../validate.ts";
import type { ClientCore, SharedState } from "../client.ts";
import type { EventSlotName, EventTap } from "../pipeline/events.ts";
import type { Middleware } from "../types.ts";
import { redactEvent } from "../scrub.ts";

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
  /** Listener failures that had no `onError` or logger to go to. */
  dropped: number;
  readonly logger?: { warn?: unknown };
}

/** What a client's shared state holds for one kind of event: its registry and its stage. */
export interface EventSlot<E> extends EventTap {
  readonly registry: Registry<E>;
}

/**
 * The registry in the client's shared slot `key`, made on first use with the stage that
 * feeds it.
 *
 * @example
 * const registry = registryOf(core, REQUEST_EVENTS, (r) => requestEventsTap(core.clock, r));
 */
export function registryOf<K extends EventSlotName>(
  core: ClientCore,
  key: K,
  makeStage: (registry: Registry<EventOf<K>>) => Middleware,
): Registry<EventOf<K>> {
  const slot = core.shared[key] as EventSlot<EventOf<K>> | undefined;
  if (slot !== undefined) return slot.registry;
  const registry: Registry<EventOf<K>> = {
    entries: new Set(),
    dropped: 0,
    logger: core.logger as { warn?: unknown },
  };
  const made: EventSlot<EventOf<K>> = {
    registry,
    entries: registry.entries,
    stage: makeStage(registry),
  };
  (core.shared as Record<K, EventSlot<EventOf<K>>>)[key] = made;
  return registry;
}

/** The event a slot of the shared state carries. */
type EventOf<K extends EventSlotName> = NonNullable<SharedState[K]> extends EventSlot<infer E> ? E
  : never;

/**
 * Adds a listener; returns the function that removes it (calling it twice is harmless).
 *
 * @example
 * const stop = addListener(registry, (e) => console.log(e.type), {});
 */
export function addListener<E>(
  registry: Registry<E>,
  listener: Listener<E>,
  options: ListenerOptions<E>,
  action = "onTokenEvent",
): () => void {
  if (typeof listener !== "function") throw new TypeError("listener must be a function");
  parseParams(ListenerOptionsSchema, options, action, "options");
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
    if (typeof warn === "function") {
      return warn.call(registry.logger, { err: error }, "event listener failed");
    }
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
      if (result instanceof Promise) {
        result.catch((error) => fail(registry, entry, error, delivered));
      }
    } catch (error) {
      fail(registry, entry, error, delivered);
    }
  }
}
