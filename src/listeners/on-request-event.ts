import { type Client, type ClientCore, coreOf } from "../client.ts";
import { REQUEST_EVENTS } from "../pipeline/events.ts";
import {
  addListener,
  type Listener,
  type ListenerOptions,
  type Registry,
  registryOf,
} from "./registry.ts";
import type { RequestEvent } from "./request-event.ts";
import { requestEventsTap } from "./request-events-stage.ts";

/** The request-event listeners of a client's family (made on first use). */
export function requestRegistryOf(core: ClientCore): Registry<RequestEvent> {
  return registryOf(core, REQUEST_EVENTS, (registry) => requestEventsTap(core.clock, registry));
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
  return addListener(requestRegistryOf(coreOf(client)), listener, options, "onRequestEvent");
}
