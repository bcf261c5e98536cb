/**
 * Deno's and Bun's fetch silently resend a request once when a reused keep-alive
 * connection closes before the response starts. For a DELETE the server had already
 * applied, the resend gets 404, and the caller would see "not found" for a delete that
 * worked, on the first attempt, with no sign a second request was made. A request on a
 * connection of its own is never resent, so DELETEs go on one there. Node's default fetch
 * (httpFetch, node:http) and Node's global fetch (undici) never resend, so Node keeps its pooled
 * connections.
 *
 * The cost is one connection set-up (TCP, and TLS on https) per delete, on Deno and Bun only.
 */

/** Extra fetch init for a request that must not be resent by the runtime. */
export type FreshConnectionInit = RequestInit & Record<string, unknown>;

interface DenoHttpApi {
  createHttpClient(options: { poolMaxIdlePerHost: number }): unknown;
}

let cached: FreshConnectionInit | undefined | null = null;

/**
 * The fetch init that puts one request on a new connection on this runtime, or undefined
 * where none is needed (Node). Deno gets an HttpClient that keeps no idle connections;
 * Bun reads `keepalive: false` as "neither take nor return a pooled connection", but only
 * from fetch's own init, not from a Request, so it must be passed to fetch itself.
 *
 * @example
 * const init = freshConnectionInit();
 * await fetch(request, init);
 */
export function freshConnectionInit(): FreshConnectionInit | undefined {
  if (cached !== null) return cached;
  const g = globalThis as { Deno?: Partial<DenoHttpApi>; Bun?: unknown };
  if (typeof g.Deno?.createHttpClient === "function") {
    // One client for the process: it holds no connection between requests, so nothing
    // stays open and nothing keeps the process alive.
    cached = { client: g.Deno.createHttpClient({ poolMaxIdlePerHost: 0 }) };
  } else if (g.Bun !== undefined) {
    cached = { keepalive: false };
  } else {
    cached = undefined;
  }
  return cached;
}
