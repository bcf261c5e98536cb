import { type Client, type ClientCore, coreOf } from "../client.ts";
import { TOKEN_EVENTS } from "../pipeline/events.ts";
import {
  addListener,
  type Listener,
  type ListenerOptions,
  type Registry,
  registryOf,
} from "./registry.ts";
import type { TokenEvent } from "./token-event.ts";
import { tokenEventsTap } from "./token-events-stage.ts";

/** The token-event listeners of a client's family (made on first use). */
export function tokenRegistryOf(core: ClientCore): Registry<TokenEvent> {
  return registryOf(core, TOKEN_EVENTS, (registry) => tokenEventsTap(core, registry));
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
  return addListener(tokenRegistryOf(coreOf(client)), listener, options);
}
