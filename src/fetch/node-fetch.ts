/**
 * A fetch for Node built on undici's Agent: keep-alive connections, the same `Request` /
 * `Response` objects as the global fetch, and a fraction of its per-call CPU (Node 20's
 * global fetch runs the whole fetch spec in JavaScript: a second Request, web streams for
 * every body, several AbortSignals). ky stays the HTTP client; this is only its `fetch`.
 *
 * Node only, and opt in through the `losant-tokens/node-fetch` subpath, so that Deno, Bun
 * and a bundle of the core never load undici. Deno runs it as on Node. Bun resolves
 * `undici` to a built-in stand-in whose Agent cannot dispatch: there `nodeFetch` sends with
 * Bun's own fetch under the same contract (redirects not followed, the body in before the
 * promise resolves), and a `dispatcher` option throws at once, naming Bun.
 *
 * Differences from the global fetch, all deliberate:
 * - The promise resolves once the whole body has arrived (the body is buffered, then handed
 *   to `Response`): an abort, a socket error or a timeout during the body rejects the fetch
 *   itself rather than the later `text()`.
 * - Redirects are not followed: a 3xx comes back as it is, so an Authorization header is
 *   never replayed to another origin.
 * - `response.url` is empty and `response.redirected` false, as for any constructed Response.
 * - The Response is a {@link BufferedResponse}: the body stays bytes until `.body` is read.
 * - A body over `maxBodyBytes` (32 MiB), as received or decoded, cuts the exchange and rejects.
 *
 * One module, a little past the ~300-line guide of DESIGN.md: the undici path, Bun's
 * stand-in path and the helpers that turn a `RequestInit` into undici's flat headers and
 * plain body all serve the one contract above. Split, each part would have to restate it.
 *
 * @example
 * import { createClient, getToken } from "losant-tokens";
 * import { nodeFetch } from "losant-tokens/node-fetch";
 * const client = createClient({ accessToken, fetch: nodeFetch });
 * const token = await getToken(client, { instanceId, apiTokenId });
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { promisify } from "node:util";
import * as zlib from "node:zlib";
import { Agent, type Dispatcher } from "undici";
import { BufferedResponse } from "./buffered-response.ts";
import { DIRECT_SIGNAL } from "./direct-signal.ts";
import { cleanCause, NULL_BODY_STATUSES } from "./fetch-failure.ts";
import { bodyTooLarge, MAX_BODY_BYTES, readCapped } from "./body-limit.ts";

/** Options for {@link createNodeFetch}. */
export interface NodeFetchOptions {
  /**
   * Where requests go: any undici dispatcher (an Agent with your own limits, a ProxyAgent,
   * a MockAgent in tests). Default: a keep-alive Agent created on the first call.
   */
  dispatcher?: Dispatcher;
  /**
   * The most bytes a response body may have, as received and decoded; past it the exchange is
   * cut and the fetch rejects (a TypeError whose cause has `code: "ERR_BODY_TOO_LARGE"`).
   * Default 32 MiB.
   */
  maxBodyBytes?: number;
}

/**
 * A fetch function; the same signature as the global one. Spelt out rather than DOM's
 * `RequestInfo`, so the declarations type-check with `lib: ["ES2023"]` and `types: ["node"]`.
 */
export type FetchFunction = (
  input: string | URL | Request,
  init?: RequestInit,
) => Promise<Response>;

const decoders: Record<
  string,
  (buffer: Buffer, options: { maxOutputLength: number }) => Promise<Buffer>
> = {
  gzip: promisify(zlib.gunzip),
  "x-gzip": promisify(zlib.gunzip),
  deflate: promisify(zlib.inflate),
  br: promisify(zlib.brotliDecompress),
};

/**
 * Makes a fetch that sends through undici's Agent (or the dispatcher given).
 *
 * @example
 * const fetch = createNodeFetch({ dispatcher: new Agent({ connections: 8 }) });
 * const client = createClient({ accessToken, fetch });
 */
export function createNodeFetch(options: NodeFetchOptions = {}): FetchFunction {
  const limit = options.maxBodyBytes ?? MAX_BODY_BYTES;
  if (!CAN_DISPATCH) {
    if (options.dispatcher !== undefined) {
      throw new TypeError(
        `createNodeFetch: the dispatcher option needs undici's Agent, which ${runtimeName()} ` +
          "does not provide; leave it out to send with the runtime's own fetch",
      );
    }
    return runtimeFetch(limit);
  }
  let dispatcher = options.dispatcher;
  const fetch: FetchFunction = async (input, init) => {
    // Created on first use: importing this module opens nothing and keeps nothing alive.
    dispatcher ??= new Agent();
    let request: Request | undefined;
    if (input instanceof Request) {
      request = hasRequestFields(init) ? new Request(input, init) : input;
    } else if (init?.body != null && !isPlainBody(init.body)) {
      // FormData, Blob, streams...: let Request encode them and set the content type.
      request = new Request(input, { ...init, duplex: "half" } as RequestInit);
    }
    const signal = init?.signal ?? request?.signal ?? undefined;
    if (signal?.aborted) throw signal.reason;

    let url: URL;
    let method: string;
    let headers: string[];
    let body: string | Uint8Array | undefined;
    try {
      if (request === undefined) {
        url = new URL(input instanceof URL ? input.href : String(input));
        method = (init?.method ?? "GET").toUpperCase();
        headers = flatHeaders(init?.headers);
        body = plainBody(init?.body);
        if (
          body !== undefined && typeof init!.body === "string" &&
          !hasHeader(headers, "content-type")
        ) {
          headers.push("content-type", "text/plain;charset=UTF-8");
        }
      } else {
        url = new URL(request.url);
        method = request.method;
        headers = flatHeaders(request.headers);
        body = request.body === null ? undefined : new Uint8Array(await request.arrayBuffer());
      }
    } catch (error) {
      // Bad URL or header: fetch rejects with a TypeError before sending anything.
      throw error instanceof TypeError
        ? error
        : new TypeError("fetch failed", { cause: cleanCause(error) });
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new TypeError("fetch failed", {
        cause: new Error(`unsupported scheme ${url.protocol}`),
      });
    }
    if (!hasHeader(headers, "accept-encoding")) {
      // What the global fetch asks for, so servers compress the same way for both.
      headers.push(
        "accept-encoding",
        url.protocol === "https:" ? "br, gzip, deflate" : "gzip, deflate",
      );
    }
    if (signal?.aborted) throw signal.reason;
    const raw = await send(dispatcher, url, method, headers, body, signal, limit);
    const encoding = raw.headers.get("content-encoding")?.trim().toLowerCase();
    let bytes = raw.body;
    if (bytes !== null && bytes.length > 0 && encoding !== undefined && encoding in decoders) {
      try {
        // Bounded, so a compression bomb stops at the limit rather than filling memory.
        bytes = await decoders[encoding]!(bytes, { maxOutputLength: limit });
      } catch (error) {
        if ((error as { code?: unknown }).code === "ERR_BUFFER_TOO_LARGE") {
          throw bodyTooLarge(raw.status, limit);
        }
        throw new TypeError("fetch failed", { cause: cleanCause(error) });
      }
    }
    return new BufferedResponse(bytes, {
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
 * Whether `undici` here is the real one. Bun's built-in stand-in has an Agent class without
 * `dispatch`, which used to surface as "dispatcher.dispatch is not a function" on every
 * attempt, retried for seconds.
 */
const CAN_DISPATCH = typeof (Agent.prototype as { dispatch?: unknown }).dispatch === "function";

function runtimeName(): string {
  const bun = (globalThis as { Bun?: { version?: string } }).Bun;
  return bun ? `Bun ${bun.version ?? ""}`.trim() : "this runtime";
}

/**
 * Where undici cannot dispatch (Bun): the runtime's fetch, with this module's contract kept:
 * a 3xx comes back as it is, the promise resolves once the whole body is in (so an abort or
 * timeout during the body rejects the fetch itself), and the body stops at `limit` bytes.
 */
function runtimeFetch(limit: number): FetchFunction {
  const fetch: FetchFunction = async (input, init) => {
    const response = await globalThis.fetch(input, { ...init, redirect: "manual" });
    const status = response.status;
    const bytes = NULL_BODY_STATUSES.has(status) || response.body === null
      ? null
      : await readCapped(response.body, limit, () => bodyTooLarge(status, limit));
    // The runtime has decoded the body: the encoding header no longer describes it.
    const headers = new Headers(response.headers);
    headers.delete("content-encoding");
    headers.delete("content-length");
    return new BufferedResponse(bytes, { status, statusText: response.statusText, headers });
  };
  Object.defineProperty(fetch, DIRECT_SIGNAL, { value: true });
  return fetch;
}

/**
 * The default fast fetch: one keep-alive Agent for the process, created on first use.
 *
 * @example
 * const client = createClient({ accessToken, fetch: nodeFetch });
 */
export const nodeFetch: FetchFunction = createNodeFetch();

interface RawResponse {
  status: number;
  statusText: string;
  headers: Headers;
  body: Buffer | null;
}

/** One exchange over the dispatcher, the body collected; rejects as fetch would. */
function send(
  dispatcher: Dispatcher,
  url: URL,
  method: string,
  headers: string[],
  body: string | Uint8Array | undefined,
  signal: AbortSignal | undefined,
  limit: number,
): Promise<RawResponse> {
  return new Promise<RawResponse>((resolve, reject) => {
    let controller: Dispatcher.DispatchController | undefined;
    let status = 0;
    let statusText = "";
    let responseHeaders: Headers | undefined;
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (error: unknown, value?: RawResponse): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener("abort", onAbort);
      if (value !== undefined) resolve(value);
      else reject(error);
    };
    const onAbort = (): void => {
      // The handler's onResponseError follows; rejecting here too makes it immediate.
      controller?.abort(signal!.reason);
      finish(signal!.reason);
    };
    signal?.addEventListener("abort", onAbort);

    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(c) {
        controller = c;
        if (signal?.aborted) c.abort(signal.reason);
      },
      onResponseStart(_c, statusCode, rawHeaders, statusMessage) {
        if (statusCode < 200 && statusCode !== 101) return; // 1xx informational: wait.
        status = statusCode;
        statusText = statusMessage ?? "";
        responseHeaders = toHeaders(rawHeaders);
      },
      onResponseData(c, chunk) {
        size += chunk.length;
        if (size <= limit) return void chunks.push(chunk);
        const error = bodyTooLarge(status, limit);
        finish(error);
        c.abort(error);
      },
      onResponseEnd() {
        const bytes = NULL_BODY_STATUSES.has(status) || method === "HEAD"
          ? null
          : chunks.length === 1
          ? chunks[0]!
          : Buffer.concat(chunks);
        finish(undefined, {
          status,
          statusText,
          headers: responseHeaders ?? new Headers(),
          body: bytes,
        });
      },
      onResponseError(_c, error) {
        if (signal?.aborted) finish(signal.reason);
        else finish(new TypeError("fetch failed", { cause: cleanCause(error) }));
      },
    };
    try {
      dispatcher.dispatch(
        {
          origin: url.origin,
          path: url.pathname + url.search,
          method,
          headers,
          body: body ?? null,
        },
        handler,
      );
    } catch (error) {
      finish(new TypeError("fetch failed", { cause: cleanCause(error) }));
    }
  });
}

function hasRequestFields(init: RequestInit | undefined): boolean {
  if (init === undefined) return false;
  return init.method !== undefined || init.headers !== undefined || init.body !== undefined;
}

function isPlainBody(body: unknown): boolean {
  return typeof body === "string" || body instanceof Uint8Array || body instanceof ArrayBuffer;
}

function plainBody(body: BodyInit | null | undefined): string | Uint8Array | undefined {
  if (body == null) return undefined;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  return body as string | Uint8Array;
}

/** Request headers as undici's flat [name, value, ...] list, names lower-cased. */
function flatHeaders(init: HeadersInit | undefined): string[] {
  const flat: string[] = [];
  if (init === undefined) return flat;
  if (init instanceof Headers || Array.isArray(init)) {
    for (const [name, value] of init as Iterable<[string, string]>) {
      flat.push(name.toLowerCase(), value);
    }
    return flat;
  }
  for (const name of Object.keys(init)) {
    flat.push(name.toLowerCase(), (init as Record<string, string>)[name]!);
  }
  return flat;
}

function hasHeader(flat: readonly string[], name: string): boolean {
  for (let i = 0; i < flat.length; i += 2) if (flat[i] === name) return true;
  return false;
}

function toHeaders(raw: Record<string, string | string[] | undefined>): Headers {
  const headers = new Headers();
  for (const name of Object.keys(raw)) {
    const value = raw[name];
    if (value === undefined) continue;
    if (Array.isArray(value)) { for (const item of value) headers.append(name, item); }
    else headers.append(name, value);
  }
  return headers;
}
