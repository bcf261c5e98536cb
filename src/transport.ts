import type { KyInstance } from "ky";
import {
  LosantApiError,
  LosantNetworkError,
  LosantResponseError,
  LosantTimeoutError,
} from "./errors.ts";
import type { RequestContext, ResponseInfo, Terminal } from "./types.ts";
import { errorContextOf } from "./pipeline/error-context.ts";
import { ErrorBodySchema } from "./schemas/error-body.ts";
import { freshConnectionInit } from "./fresh-connection.ts";
import { DIRECT_SIGNAL } from "./fetch/direct-signal.ts";
import { BODY_TOO_LARGE, MAX_BODY_BYTES, readCapped } from "./fetch/body-limit.ts";
import { queryString } from "./query-string.ts";
import type { Scrubber } from "./scrub.ts";
import * as v from "valibot";

/** What one attempt hands the hook that sends it (through ky's `context` option). */
interface Attempt {
  /** The request headers, set onto ky's Request; the access token is added there. */
  headers: Record<string, string>;
  /** The fetch init: a fresh connection's and the direct signal, if any. */
  init: RequestInit | undefined;
  /** ky's Request, held until the body is read (see the transport). */
  sent?: Request;
  /** What the fetch answered. */
  response?: Response;
}

/**
 * The end of the pipeline: one ky request per attempt. ky's retry, timeout and HTTP
 * errors are off because the pipeline owns those. The access token lives only in this
 * closure and is added to the headers of the outgoing request, never to `ctx`.
 */
export function createTransport(
  baseUrl: string,
  accessToken: string,
  http: KyInstance,
  send: typeof fetch,
  scrubber?: Scrubber,
): Terminal {
  const authorization = `Bearer ${accessToken}`;
  const direct = takesSignalDirectly(send);
  // ky's Request is sent from a beforeRequest hook that answers it with the Response: ky's
  // documented way for a hook to answer a request itself. Through ky's `fetch` option, ky
  // would first clone the Request for a retry it never makes here (its retry is off) and
  // scan its options for ones to pass on (there are none): 61k of 374k instructions per ky
  // call on Node 20, 7k of 179k on Node 24, in process (valgrind; bench/README.md).
  const kySending = http.extend({
    hooks: {
      beforeRequest: [async (request, options) => {
        const attempt = (options.context as { attempt: Attempt }).attempt;
        attempt.sent = request;
        // The headers go onto the Request ky is sending rather than through ky's options,
        // which ky copies into five or six Headers on the way.
        const sending = request.headers;
        for (const name in attempt.headers) sending.set(name, attempt.headers[name]!);
        sending.set("authorization", authorization);
        const response = await send(request, attempt.init);
        attempt.response = response;
        // ky takes only this runtime's Response class as an answer; anything else (npm
        // undici's, node-fetch's) it reads as "not answered" and sends the request itself.
        // Such a Response gets a stand-in, and the transport reads the real one.
        return response instanceof Response ? response : new Response(null);
      }],
    },
    // Never called, since the hook answers every request. Should a ky version call it anyway,
    // the attempt fails rather than going out a second time through the global fetch.
    fetch: () => Promise.reject(new TypeError("ky sent a request its hook had answered")),
  });
  return async (ctx) => {
    const signal = ctx.attemptSignal ?? ctx.signal;
    const fresh = ctx.semantics.ownConnection ? freshConnectionInit() : undefined;
    // A fetch that takes the signal from its own init gets it there; any other on ky's
    // Request. A delete's fresh connection goes in the init: Bun honours `keepalive` only
    // there.
    const attempt: Attempt = {
      headers: ctx.headers,
      init: fresh === undefined && !(direct && signal)
        ? undefined
        : { ...fresh, ...(direct ? { signal } : undefined) },
    };
    let response: Response;
    let status: number;
    let text: string;
    try {
      // Only the options a call needs: ky merges each key into a fresh copy of its options,
      // so a key left out (a get's method and body) is work not done on every call.
      const answered = await kySending(buildUrl(baseUrl, ctx.path, ctx.query), {
        ...(ctx.method === "GET" ? undefined : { method: ctx.method }),
        // The API never redirects. Following one would resend the request, Authorization
        // included, somewhere else: a 302 on the delete of token A pointing at token B
        // would delete B. Every runtime's fetch honours the Request's "manual".
        redirect: "manual",
        ...(ctx.body === undefined ? undefined : { body: JSON.stringify(ctx.body) }),
        ...(direct || signal === undefined ? undefined : { signal }),
        context: { attempt },
      });
      // The fetch's own Response: ky's answer is that one, or the stand-in for a foreign one.
      response = attempt.response ?? answered;
      status = response.status;
      // A 3xx is an error, never followed; its Location (server text) is not quoted. Not
      // retried: another attempt would be turned away again, and nothing was done.
      if (response.type === "opaqueredirect" || (status >= 300 && status < 400)) {
        void response.body?.cancel().catch(() => {});
        throw new LosantApiError(
          status,
          "Redirect",
          `${ctx.method} ${ctx.path} answered ${status}: a redirect, not followed`,
          errorContextOf(ctx),
        );
      }
      // Our own fetches (those that take the signal directly) buffer the body and stop at
      // the size limit themselves. So does a body of a declared length that is not encoded:
      // the runtime reads no more than that, and its own text() is the fastest. Any other
      // body is read here, counted (a foreign Response's Node stream, as node-fetch's, is
      // read as it is).
      const stream = direct || withinDeclaredLength(response) ? null : response.body;
      text = typeof stream?.getReader === "function"
        ? decoder.decode(await readCapped(stream, MAX_BODY_BYTES, () => tooLarge(ctx, status)))
        : await response.text();
    } catch (error) {
      if (error instanceof LosantApiError || error instanceof LosantResponseError) throw error;
      throw fetchFailure(error, ctx);
    } finally {
      // ky's Request must stay reachable until the body is read: Node's fetch (undici 6)
      // links the Request it sends to ky's only through a WeakRef, so once ky returns and a
      // GC runs, aborting the attempt no longer reaches a body that is still arriving, and a
      // per-attempt timeout silently never fires on a server that stalls after the headers.
      attempt.sent = undefined;
    }
    const body = parseBody(text, status, ctx);
    if (status >= 400) throw apiError(status, body, response.headers, ctx, scrubber);
    // A secret seen once is scrubbed from every later error text of this client.
    scrubber?.rememberSecretsOf(body);
    ctx.response = receivedResponse(status, response, body);
  };
}

/**
 * `ctx.response`, its headers read from the Response only when asked for: httpFetch builds
 * a response's Headers on first read, and hardly any successful call reads them. An own
 * accessor rather than a class's, so a spread or JSON of `ctx.response` still has them.
 */
function receivedResponse(status: number, response: Response, body: unknown): ResponseInfo {
  let headers: Headers | undefined;
  return {
    status,
    get headers() {
      return headers ??= response.headers;
    },
    set headers(value) {
      headers = value;
    },
    body,
  };
}

/**
 * Whether a fetch takes the attempt's signal from its own init (it says so with
 * DIRECT_SIGNAL: nodeFetch does). Such a fetch gets the signal directly instead of through
 * ky, which would combine it with its own through AbortSignal.any (on Node 20 about a tenth
 * of a call's CPU, and a listener left on a long-lived caller signal per call). Node's
 * global fetch does not qualify: its Request follows a signal only through a WeakRef, so
 * the signal must reach it on ky's Request, which the transport keeps reachable.
 */
function takesSignalDirectly(f: typeof fetch): boolean {
  return (f as unknown as Record<symbol, unknown>)[DIRECT_SIGNAL] === true;
}

function buildUrl(baseUrl: string, path: string, query: Record<string, string>): string {
  const search = queryString(query);
  return search ? `${baseUrl}${path}?${search}` : `${baseUrl}${path}`;
}

/**
 * Turns every fetch rejection into the caller's abort reason, LosantTimeoutError or
 * LosantNetworkError, so the retry stage sees our classes on every runtime (Deno's and
 * Bun's reset errors are TypeErrors that p-retry would refuse to retry). The network error's
 * cause is the runtime's error reduced to its message and code: its own cause may hold
 * sockets.
 */
function fetchFailure(error: unknown, ctx: RequestContext): unknown {
  if (ctx.signal?.aborted) return ctx.signal.reason;
  const reason = ctx.attemptSignal?.aborted ? ctx.attemptSignal.reason : undefined;
  if (reason instanceof LosantTimeoutError) return reason;
  const e = error as { code?: unknown; cause?: { code?: unknown; status?: number } } | undefined;
  const code = e?.cause?.code;
  if (code === BODY_TOO_LARGE) return tooLarge(ctx, e!.cause!.status!);
  const text = describe(error);
  const cause = new Error(text);
  if (typeof code === "string") (cause as Error & { code?: string }).code = code;
  const failure = new LosantNetworkError(
    `${ctx.method} ${ctx.path} failed: ${text}`,
    errorContextOf(ctx, { cause }),
  );
  // Whether the rejection says the connection was never made, so nothing was sent.
  failure.requestSent = !CONNECT_FAILURE.test(`${e?.code} ${code} ${text}`);
  return failure;
}

// How each runtime says the connection itself failed, before any of the request was sent:
// Node's and nodeFetch's undici name the `connect` syscall ("connect ECONNRESET") or a
// connect-phase code, Deno's hyper says "client error (Connect)", Bun sets a code on the
// TypeError itself. A Bun reset right after accept reads like any reset: it stays "may have
// been sent", the safe side for a create.
const CONNECT_FAILURE =
  /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ConnectionRefused|connect E|\(Connect\)|Unable to connect|Connect Timeout/;

const decoder = new TextDecoder();

/** Whether a body is, unencoded, as long as its Content-Length says, and that is in the limit. */
function withinDeclaredLength(response: Response): boolean {
  const length = response.headers.get("content-length");
  const encoding = response.headers.get("content-encoding");
  return length !== null && +length <= MAX_BODY_BYTES && (!encoding || encoding === "identity");
}

/**
 * An answer whose body passed the size limit (src/fetch/body-limit.ts): not read further, and
 * not retried. Its status says whether a change was applied, but its body is unknown.
 */
function tooLarge(ctx: RequestContext, status: number): LosantResponseError {
  return new LosantResponseError(
    `${ctx.method} ${ctx.path} answered ${status} with a body over the size limit, not read`,
    errorContextOf(ctx, { statusCode: status }),
  );
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const inner = error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return `${error.message}${inner}`;
}

function parseBody(text: string, status: number, ctx: RequestContext): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    if (status >= 400) return undefined;
    throw new LosantResponseError(
      `${ctx.method} ${ctx.path} answered ${status} with a body that is not JSON`,
      errorContextOf(ctx, { statusCode: status }),
    );
  }
}

const typeByStatus: Record<number, string> = {
  400: "BadRequest",
  401: "Unauthorized",
  403: "Forbidden",
  404: "NotFound",
  408: "RequestTimeout",
  409: "Conflict",
  422: "Validation",
  429: "TooManyRequests",
  500: "InternalServerError",
  502: "BadGateway",
  503: "ServiceUnavailable",
  504: "GatewayTimeout",
};

function apiError(
  status: number,
  body: unknown,
  headers: Headers,
  ctx: RequestContext,
  scrubber?: Scrubber,
): LosantApiError {
  const parsed = v.safeParse(ErrorBodySchema, body);
  const fields = parsed.success ? parsed.output : {};
  // Server text is untrusted: it may echo the Authorization header or a secret.
  const scrub = (text: string) => scrubber?.scrub(text) ?? text;
  const type = scrub(fields.type ?? typeByStatus[status] ?? "HttpError");
  let message = fields.message === undefined
    ? `${ctx.method} ${ctx.path} answered ${status}`
    : scrub(fields.message);
  // Losant's 429 may name its wait only in the message: "... Retry in 3 seconds".
  const retryAfter = headers.get("retry-after") ??
    (status === 429 ? /retry in (\d+) sec/i.exec(message)?.[1] : undefined);
  if (type === "VersionNotAllowed") {
    message += ` (Accept-Version ${ctx.headers["accept-version"]} is not served here: set ` +
      `the client's acceptVersion)`;
  } else {
    message += ctx.semantics.errorHint?.(status, message, ctx.body) ?? "";
  }
  return new LosantApiError(status, type, message, errorContextOf(ctx, { retryAfter }));
}
