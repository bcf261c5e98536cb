import ky, { type KyInstance } from "ky";
import type { Middleware } from "./types.ts";
import type { Terminal } from "./pipeline/compose.ts";
import type { LoggingStages } from "./pipeline/build.ts";
import type { EventSlot } from "./listeners/registry.ts";
import type { RequestEvent } from "./listeners/request-event.ts";
import type { TokenCache } from "./listeners/token-cache.ts";
import type { TokenEvent } from "./listeners/token-event.ts";
import { type ClientOptions, type ClientSettings, clientSettings } from "./options.ts";
import { parseClientOptions } from "./schemas/client-options.ts";
import { createScrubber, type Scrubber } from "./scrub.ts";
import { createTransport } from "./transport.ts";
import { defaultFetch } from "./fetch/default/select.ts";
import { LosantValidationError } from "./errors.ts";
import { VERSION } from "./version.ts";
import { type Clock, systemClock } from "./clock.ts";

export type { ClientOptions } from "./options.ts";

/**
 * An immutable client value: configuration and pipeline, no connection state. The access
 * token is not a property of it, so printing or serialising a client shows no secret.
 */
export interface Client extends ClientSettings {}

/**
 * State shared by a client and every client derived from it with `use`: one typed slot
 * per feature, filled on first use. The types are imported as types only, so a client
 * that never listens bundles no event code.
 */
export interface SharedState {
  /** The `onTokenEvent` listeners and the stage that feeds them. */
  tokenEvents?: EventSlot<TokenEvent>;
  /** The `onRequestEvent` listeners and the stage that feeds them. */
  requestEvents?: EventSlot<RequestEvent>;
  /** The tokens token events remember, sized by the `eventCache` option. */
  tokenCache?: TokenCache;
}

/**
 * What a client holds privately: the transport (which alone holds the access token), the
 * scrubber of server text, and cached pipelines. No copy of the raw options is kept.
 */
export interface ClientCore {
  readonly transport: Terminal;
  /** The logger `withLogging` gave the client; batch jobs and listeners write to it too. */
  readonly logger?: object;
  /** The pipeline's logging stages, made by `withLogging` for a logger that writes. */
  readonly logging?: LoggingStages;
  /** Removes the access token and every secret the client has seen from server text. */
  readonly scrubber: Scrubber;
  /** Every wait of the client and of jobs run with it (`ClientOptions.clock`). */
  readonly clock: Clock;
  readonly shared: SharedState;
  /** How many tokens the token cache holds (the `eventCache` option). */
  readonly eventCache: number;
  /** Pipelines composed once per action and cached. */
  readonly runners: Map<unknown, (ctx: never) => Promise<void>>;
}

const cores = new WeakMap<Client, ClientCore>();

/** The private half of a client; a TypeError for anything createClient did not make. */
export function coreOf(client: Client): ClientCore {
  const core = cores.get(client);
  if (core === undefined) throw new TypeError("expected a client made by createClient()");
  return core;
}

/**
 * Makes a client. Options are checked now, so a missing token or a bad URL fails here
 * rather than on the first call, and an unknown key fails with the one it may have meant.
 *
 * @example
 * const client = createClient({ accessToken: Deno.env.get("LOSANT_API_TOKEN")! });
 * const token = await getToken(client, { instanceId, apiTokenId });
 */
export function createClient(options: ClientOptions): Client {
  const checked = parseClientOptions(options);
  const http: KyInstance = ky.create({
    retry: 0,
    throwHttpErrors: false,
    timeout: false,
  });
  const settings = clientSettings(checked, `losant-tokens/${VERSION}`);
  const scrubber = createScrubber(checked.accessToken);
  return makeClient(settings, {
    // The fetch option, else this runtime's default (httpFetch on Node, its own fetch elsewhere).
    transport: createTransport(
      settings.url,
      checked.accessToken,
      http,
      checked.fetch ?? defaultFetch(),
      scrubber,
    ),
    scrubber,
    clock: checked.clock ?? systemClock,
    shared: {},
    eventCache: checked.eventCache ?? 1_000,
    runners: new Map(),
  });
}

/**
 * A new client with the same settings and some private parts replaced; its pipelines are
 * built afresh. Listeners stay shared, as with `use`.
 *
 * @example
 * const logged = deriveClient(client, { logger, logging });
 */
export function deriveClient(client: Client, parts: Partial<ClientCore>): Client {
  return makeClient({ ...client }, { ...coreOf(client), runners: new Map(), ...parts });
}

// `settings` is always a fresh object of the caller's: frozen as it is, not copied.
function makeClient(settings: ClientSettings, core: ClientCore): Client {
  const client: Client = Object.freeze(settings);
  cores.set(client, core);
  return client;
}

/**
 * A new client with more middleware after the client's own; the original is unchanged.
 * Derived clients share event listeners with their parent.
 *
 * @example
 * const audited = use(client, after((ctx) => audit(ctx.action, ctx.instanceId)));
 */
export function use(client: Client, ...middleware: Middleware[]): Client {
  const core = coreOf(client);
  middleware.forEach((m, i) => {
    if (typeof m !== "function") {
      throw new LosantValidationError(
        [{ path: String(i), rule: "custom", message: "must be a middleware function" }],
        { action: "use" },
        "options",
      );
    }
  });
  const settings = { ...client, middleware: Object.freeze([...client.middleware, ...middleware]) };
  return makeClient(settings, { ...core, runners: new Map() });
}
