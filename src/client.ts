import ky, { type KyInstance } from "ky";
import type * as v from "valibot";
import type { Middleware } from "./pipeline/context.ts";
import type { RetryOptions } from "./pipeline/retry-options.ts";
import type { Terminal } from "./pipeline/compose.ts";
import { ClientOptionsSchema } from "./schemas/client-options.ts";
import { createTransport } from "./transport.ts";
import { parseParams } from "./validate.ts";
import { VERSION } from "./version.ts";
import { type Clock, systemClock } from "./clock.ts";

/** createClient's options; names follow the official `losant-rest` client. */
export type ClientOptions = v.InferInput<typeof ClientOptionsSchema>;

/**
 * An immutable client value: configuration and pipeline, no connection state. The access
 * token is not a property of it, so printing or serialising a client shows no secret.
 */
export interface Client {
  readonly url: string;
  readonly acceptVersion: string;
  readonly losantdomain?: string;
  readonly timeout: number;
  readonly retry: RetryOptions | false;
  readonly userAgent: string | false;
  readonly middleware: readonly Middleware[];
}

/** State shared by a client and every client derived from it with `use`. */
export interface SharedState {
  [key: string]: unknown;
}

/** What a client holds privately: the transport (with the token) and cached pipelines. */
export interface ClientCore {
  readonly transport: Terminal;
  readonly logger?: object;
  /** Every wait of the client and of jobs run with it (`ClientOptions.clock`). */
  readonly clock: Clock;
  readonly shared: SharedState;
  readonly options: ClientOptions;
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
 * rather than on the first call.
 *
 * @example
 * const client = createClient({ accessToken: Deno.env.get("LOSANT_API_TOKEN")! });
 * const token = await getToken(client, { instanceId, apiTokenId });
 */
export function createClient(options: ClientOptions): Client {
  const checked = parseParams(ClientOptionsSchema, options, "createClient");
  const http: KyInstance = ky.create({
    retry: 0,
    throwHttpErrors: false,
    timeout: false,
  });
  const url = (checked.url ?? "https://api.losant.com").replace(/\/+$/, "");
  return makeClient(options, url, {
    transport: createTransport(url, checked.accessToken, http, options.fetch),
    logger: checked.logger,
    clock: checked.clock ?? systemClock,
    shared: {},
    options,
    runners: new Map(),
  });
}

function makeClient(
  options: ClientOptions,
  url: string,
  core: ClientCore,
): Client {
  const client: Client = Object.freeze({
    url,
    acceptVersion: options.acceptVersion ?? "^1.30.0",
    losantdomain: options.losantdomain,
    timeout: options.timeout ?? 30_000,
    retry: options.retry ?? {},
    userAgent: options.userAgent ?? `losant-tokens/${VERSION}`,
    middleware: Object.freeze([...(options.middleware ?? [])]),
  });
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
  const options = { ...core.options, middleware: [...client.middleware, ...middleware] };
  return makeClient(options, client.url, { ...core, options, runners: new Map() });
}
