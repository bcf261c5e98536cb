/**
 * losant-tokens/http-fetch: a fetch for Node over `node:http` / `node:https` with keep-alive
 * agents, and the default transport on Node (src/fetch/default/node.ts). No dependency (undici
 * not needed); per call it costs about 1.3–1.5× bare node:http and two thirds of Node's global
 * fetch (bench/README.md#default-call). ky stays the HTTP client; this is only its `fetch`.
 *
 * The contract is the one `losant-tokens/node-fetch` has:
 * - The promise resolves once the whole body has arrived: an abort, a socket error or a
 *   per-attempt timeout during the body rejects the fetch itself.
 * - Redirects are not followed: a 3xx comes back as it is.
 * - gzip, deflate and br bodies are decoded; a body over `maxBodyBytes` (32 MiB) decoded cuts
 *   the exchange and rejects.
 * - `keepalive: false` in the init sends on a connection of its own, closed after.
 * - TLS uses Node's CA store, so `NODE_EXTRA_CA_CERTS` applies; pass your own agents for a
 *   private CA, client certificates or a proxying agent. `HTTP(S)_PROXY` is not read (nor is
 *   it by Node's own fetch unless NODE_USE_ENV_PROXY is set): use an agent that proxies.
 *
 * @example
 * import { createClient } from "losant-tokens";
 * import { httpFetch } from "losant-tokens/http-fetch";
 * const client = createClient({ accessToken, fetch: httpFetch });
 *
 * @module
 */
import { Buffer } from "node:buffer";
import * as http from "node:http";
import * as https from "node:https";
import * as zlib from "node:zlib";
import { watchAbort } from "./abort-watch.ts";
import { BufferedResponse } from "./buffered-response.ts";
import { DIRECT_SIGNAL } from "./direct-signal.ts";
import { cleanCause, NULL_BODY_STATUSES } from "./fetch-failure.ts";
import { bodyTooLarge, MAX_BODY_BYTES } from "./body-limit.ts";

/** Options for {@link createHttpFetch}. */
export interface HttpFetchOptions {
  /** The agent for `http:` URLs. Default: a keep-alive `http.Agent`. */
  httpAgent?: http.Agent;
  /** The agent for `https:` URLs (your CA, client certificate...). Default: keep-alive. */
  httpsAgent?: https.Agent;
  /**
   * The most bytes a response body may have, decoded; past it the exchange is cut and the
   * fetch rejects (a TypeError whose cause has `code: "ERR_BODY_TOO_LARGE"`). Default 32 MiB.
   */
  maxBodyBytes?: number;
}

/** A fetch function; the same signature as the global one. */
export type HttpFetchFunction = (
  input: string | URL | Request,
  init?: RequestInit,
) => Promise<Response>;

/**
 * Makes a fetch over node:http / node:https with the given (or keep-alive) agents.
 *
 * @example
 * const fetch = createHttpFetch({ httpsAgent: new https.Agent({ keepAlive: true, ca }) });
 * const client = createClient({ accessToken, fetch });
 */
export function createHttpFetch(options: HttpFetchOptions = {}): HttpFetchFunction {
  let httpAgent = options.httpAgent;
  let httpsAgent = options.httpsAgent;
  const limit = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const fetch: HttpFetchFunction = async (input, init) => {
    const request = input instanceof Request
      ? (init?.method !== undefined || init?.headers !== undefined || init?.body !== undefined
        ? new Request(input, init)
        : input)
      : new Request(input, init);
    const signal = init?.signal ?? request.signal;
    if (signal?.aborted) throw signal.reason;
    const target = targetOf(request.url);
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => (headers[name] = value));
    headers["accept-encoding"] ??= "gzip, deflate, br";
    const body = request.body === null ? undefined : Buffer.from(await readBody(request, signal));
    if (body !== undefined) headers["content-length"] = String(body.length);
    const own = init?.keepalive === false;
    if (own) headers.connection = "close";
    // Created on first use: importing this module opens nothing and keeps nothing alive.
    const agent = own
      ? false
      : target.protocol === "https:"
      ? (httpsAgent ??= new https.Agent({ keepAlive: true }))
      : (httpAgent ??= new http.Agent({ keepAlive: true }));
    const raw = await exchange(target, request.method, headers, body, agent, signal, limit);
    return new BufferedResponse(raw.body, {
      status: raw.status,
      statusText: raw.statusText,
      headers: raw.headers,
    });
  };
  // It honours init.signal until the body is in: the transport may hand it the signal itself.
  Object.defineProperty(fetch, DIRECT_SIGNAL, { value: true });
  return fetch;
}

/**
 * The default: keep-alive agents for the process, created on first use.
 *
 * @example
 * const client = createClient({ accessToken, fetch: httpFetch });
 */
export const httpFetch: HttpFetchFunction = createHttpFetch();

interface RawResponse {
  status: number;
  statusText: string;
  headers: () => Headers;
  body: Uint8Array | null;
}

/** Where a request goes, in the form node:http takes: origin parts and the path with query. */
interface Target {
  protocol: "http:" | "https:";
  hostname: string;
  port: string;
  path: string;
}

// The origin last sent to, parsed: a client talks to one origin, and parsing a URL and
// converting it for node:http on every call is a measurable part of a call's CPU.
let lastOrigin = "";
let lastParts: Omit<Target, "path"> | undefined;

/** Splits an absolute URL (a Request's, so already normalized) into a node:http target. */
function targetOf(href: string): Target {
  const pathStart = href.indexOf("/", href.indexOf("//") + 2);
  const origin = pathStart === -1 ? href : href.slice(0, pathStart);
  if (origin !== lastOrigin || lastParts === undefined) {
    let url: URL;
    try {
      url = new URL(origin);
    } catch (error) {
      throw new TypeError("fetch failed", { cause: cleanCause(error) });
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new TypeError("fetch failed", {
        cause: new Error(`unsupported scheme ${url.protocol}`),
      });
    }
    // node:http wants an IPv6 literal without its brackets, as urlToHttpOptions gives it.
    const hostname = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
    lastParts = { protocol: url.protocol, hostname, port: url.port };
    lastOrigin = origin;
  }
  const rest = pathStart === -1 ? "/" : href.slice(pathStart);
  const hash = rest.indexOf("#");
  return { ...lastParts, path: hash === -1 ? rest : rest.slice(0, hash) };
}

function exchange(
  target: Target,
  method: string,
  headers: Record<string, string>,
  body: Buffer | undefined,
  agent: http.Agent | false,
  signal: AbortSignal | undefined,
  limit: number,
): Promise<RawResponse> {
  return new Promise<RawResponse>((resolve, reject) => {
    // It may have aborted while the body was read: an abort already past fires no event.
    if (signal?.aborted) return reject(signal.reason);
    let settled = false;
    let unwatch: (() => void) | undefined;
    const finish = (error: unknown, value?: RawResponse): void => {
      if (settled) return;
      settled = true;
      unwatch?.();
      if (value !== undefined) resolve(value);
      else reject(error);
    };
    const fail = (error: unknown): void => {
      if (signal?.aborted) finish(signal.reason);
      else finish(new TypeError("fetch failed", { cause: cleanCause(error) }));
    };
    const send = target.protocol === "https:" ? https.request : http.request;
    const req = send({ ...target, method, headers, agent }, (res) => {
      const status = res.statusCode ?? 0;
      const encoding = contentEncodingOf(res.rawHeaders);
      const decoder = encoding === "gzip" || encoding === "x-gzip"
        ? zlib.createGunzip()
        : encoding === "deflate"
        ? zlib.createInflate()
        : encoding === "br"
        ? zlib.createBrotliDecompress()
        : undefined;
      const source = decoder === undefined ? res : res.pipe(decoder);
      if (decoder !== undefined) res.on("error", fail);
      const headers = lazyHeaders(res.rawHeaders, decoder !== undefined);
      const chunks: Buffer[] = [];
      let size = 0;
      source.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size <= limit) return void chunks.push(chunk);
        // Decoded bytes are counted, so a compression bomb stops here too.
        finish(bodyTooLarge(status, limit));
        source.destroy();
        req.destroy();
      });
      source.on("error", fail);
      res.on("aborted", () => fail(new Error("the response was aborted")));
      source.on("end", () => {
        const bytes = NULL_BODY_STATUSES.has(status) || method === "HEAD"
          ? null
          : chunks.length === 1
          ? chunks[0]!
          : Buffer.concat(chunks);
        finish(undefined, {
          status,
          statusText: res.statusMessage ?? "",
          headers,
          body: bytes,
        });
      });
    });
    const onAbort = (): void => {
      finish(signal!.reason);
      req.destroy();
    };
    if (signal !== undefined) unwatch = watchAbort(signal, onAbort);
    req.on("error", fail);
    req.end(body);
  });
}

/**
 * The request body, read whole before anything is sent; an abort while it is read (a stream
 * that stalls) rejects at once with the signal's reason.
 */
function readBody(request: Request, signal: AbortSignal | undefined): Promise<ArrayBuffer> {
  if (signal === undefined) return request.arrayBuffer();
  return new Promise((resolve, reject) => {
    const unwatch = watchAbort(signal, () => reject(signal.reason));
    request.arrayBuffer().then(resolve, reject).finally(unwatch);
  });
}

/** The content-encoding a response names, as Headers.get would read it, lower case. */
function contentEncodingOf(raw: readonly string[]): string | undefined {
  let encoding: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.length === 16 && raw[i]!.toLowerCase() === "content-encoding") {
      encoding = encoding === undefined ? raw[i + 1]! : `${encoding}, ${raw[i + 1]}`;
    }
  }
  return encoding?.trim().toLowerCase();
}

/**
 * A response's headers, made only if someone reads them. A closure over the raw list alone: one
 * made in the exchange would keep its request, response and body chunks alive as long as the
 * Response.
 */
function lazyHeaders(raw: readonly string[], decoded: boolean): () => Headers {
  return () => headersOf(raw, decoded);
}

/** node:http's raw header list as Headers, without the body's own two when it was decoded. */
function headersOf(raw: readonly string[], decoded: boolean): Headers {
  const headers = new Headers();
  for (let i = 0; i < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
  if (decoded) {
    headers.delete("content-encoding");
    headers.delete("content-length");
  }
  return headers;
}
