import type { Clock } from "./clock.ts";
import type { Middleware } from "./types.ts";
import type { RetryOptions } from "./pipeline/retry-options.ts";

/**
 * The options of a client and of one call, each documented once, with its default, and
 * merged here and nowhere else: createClient fills in the client's defaults with
 * {@link clientSettings}, and every call lays its own over them (`timeout` replaces the
 * client's, `retry` is merged with {@link mergeRetry}). The valibot schemas that check them are in
 * `schemas/client-options.ts`, tied to these interfaces by a compile-time check.
 */

/**
 * createClient's options; names follow the official `losant-rest` client. Unknown keys
 * are refused (a misspelt `url` must never send the token to the production API).
 *
 * @example
 * const client = createClient({
 *   accessToken: process.env.LOSANT_API_TOKEN!,
 *   url: "https://api.losant.com",
 *   retry: { retries: 6 },
 * });
 */
export interface ClientOptions {
  /**
   * The Losant API access token (required): sent as `Authorization: Bearer …` and kept only
   * inside the transport. Printable Latin-1 without whitespace.
   */
  accessToken: string;
  /**
   * The API's base URL (default `https://api.losant.com`). http(s) only, no `?query`,
   * `#fragment` or `user:password@`; a path is kept (`https://proxy/losant`). Plain `http:`
   * only to a loopback host or with `allowInsecureHttp`.
   */
  url?: string;
  /** Allow a plain `http:` URL to a host that is not loopback (default false). */
  allowInsecureHttp?: boolean;
  /** The `Accept-Version` header (default `^1.30.0`, the official client's). */
  acceptVersion?: string;
  /** The `losantdomain` header on every call (default none); a call's param overrides it. */
  losantdomain?: string;
  /** The `User-Agent` header (default `losant-tokens/<version>`); `false` sends none. */
  userAgent?: string | false;
  /** Per-attempt timeout in ms (default 30 000; 0: none). */
  timeout?: number;
  /** Retry settings (default: {@link RetryOptions}' defaults); `false`: one attempt per call. */
  retry?: RetryOptions | false;
  /** Middleware run on every call, in order (default none). */
  middleware?: Middleware[];
  /**
   * The fetch to send with. Default: on Node, `httpFetch` from `losant-tokens/http-fetch`
   * (node:http, keep-alive), or `globalThis.fetch` while a proxy variable or an undici global
   * dispatcher is set; on Deno, Bun and elsewhere, `globalThis.fetch`, looked up per call.
   */
  fetch?: typeof fetch;
  /**
   * Removed in 0.2.0: log with `withLogging(createClient(options), logger)`, so that apps that
   * never log bundle no logging. Passing it is a validation error that says so.
   * @deprecated Use `withLogging(client, logger)`.
   */
  logger?: never;
  /** How many tokens token events remember to tell `previous` and `changes` (default 1 000). */
  eventCache?: number;
  /**
   * Time and timers for every wait of the client and of jobs run with it: retry backoff,
   * timeouts, deadlines, pacing (default: the system clock). A fake clock drives tests.
   */
  clock?: Clock;
}

/**
 * Options of one call; each overrides the client's. Unknown keys are refused.
 *
 * @example
 * await getToken(client, params, { timeout: 5_000, retry: false, signal: controller.signal });
 */
export interface CallOptions {
  /** Aborting rejects the call with `signal.reason`, unchanged, at once. A real AbortSignal. */
  signal?: AbortSignal;
  /** Per-attempt timeout in ms (default: the client's `timeout`; 0: none). */
  timeout?: number;
  /** A budget for the whole call, retries included: ms from now, or a moment (default none). */
  deadline?: number | Date;
  /** Merged over the client's retry options; `false` makes one attempt (default: the client's). */
  retry?: RetryOptions | false;
}

/** The client's settings once its defaults are filled in; what a Client value exposes. */
export interface ClientSettings {
  /** The API's base URL without a trailing slash (default `https://api.losant.com`). */
  readonly url: string;
  /** The `Accept-Version` range sent on every call (default `^1.30.0`). */
  readonly acceptVersion: string;
  /** The `losantdomain` header on every call, when set. */
  readonly losantdomain?: string;
  /** Per-attempt timeout in ms (default 30 000; 0: none). */
  readonly timeout: number;
  /** Retry settings; `false`: one attempt per call. */
  readonly retry: RetryOptions | false;
  /** The `User-Agent` header, or `false`: none sent. */
  readonly userAgent: string | false;
  /** The client's middleware, in the order they run (frozen). */
  readonly middleware: readonly Middleware[];
}

/**
 * Checked options with their defaults filled in (the defaults are the ones documented on
 * {@link ClientOptions}). The access token, fetch, clock and eventCache are not
 * part of the result: they go to the transport and the client's private core.
 *
 * @example
 * clientSettings({ accessToken }, "losant-tokens/0.2.0").timeout; // 30000
 */
export function clientSettings(options: ClientOptions, userAgent: string): ClientSettings {
  const url = new URL(options.url ?? "https://api.losant.com");
  return {
    url: `${url.origin}${url.pathname}`.replace(/\/+$/, ""),
    acceptVersion: options.acceptVersion ?? "^1.30.0",
    losantdomain: options.losantdomain,
    timeout: options.timeout ?? 30_000,
    retry: options.retry ?? {},
    userAgent: options.userAgent ?? userAgent,
    middleware: Object.freeze([...(options.middleware ?? [])]),
  };
}

/**
 * A call's retry options over the client's: `false` on either side wins as "one attempt"
 * only when the call says so; otherwise the call's fields override the client's.
 *
 * @example
 * mergeRetry({ retries: 6 }, { onRetry }); // { retries: 6, onRetry }
 */
export function mergeRetry(
  client: RetryOptions | false,
  call: RetryOptions | false | undefined,
): RetryOptions | false {
  if (call === undefined) return client;
  if (call === false) return false;
  return { ...(client || {}), ...call };
}
