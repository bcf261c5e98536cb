import type { RetryInfo, RetryOptions } from "./retry-options.ts";

/** The API actions this library performs. */
export type ActionName =
  | "getToken"
  | "patchToken"
  | "deleteToken"
  | "listTokensPage";

/** What the transport read back: status, headers and the parsed JSON body. */
export interface ResponseInfo {
  status: number;
  headers: Headers;
  body: unknown;
}

/**
 * One call travelling through the pipeline. Middleware may read and change the request
 * fields, set `result` to answer without a request, or read `response` after `next()`.
 * It never holds the access token: the transport adds Authorization at the last moment.
 */
export interface RequestContext {
  readonly action: ActionName;
  /** Unique per call; every attempt sends `x-request-id: <callId>-<attempt>`. */
  readonly callId: string;
  /** The validated params the call was made with. */
  readonly params: Readonly<Record<string, unknown>>;
  readonly instanceId: string;
  readonly apiTokenId?: string;
  method: "GET" | "PATCH" | "DELETE" | "POST";
  /** Path below the client's base URL, e.g. `/instances/{id}/tokens/{id}`. */
  path: string;
  query: Record<string, string>;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** The JSON body to send, if any. */
  body?: unknown;
  /** 0 before the first attempt, then 1, 2, ... as the retry stage makes them. */
  attempt: number;
  /** The caller's signal: aborting it rejects the call with `signal.reason`. */
  readonly signal?: AbortSignal;
  /** Per-attempt timeout in ms (0: none). */
  timeout: number;
  /** Epoch ms by which the whole call must settle, retries included. */
  deadline?: number;
  retry: RetryOptions | false;
  /**
   * Told before each retry's wait, after `retry.onRetry`. A per-call stage (events,
   * logging) sets it before `next()`, chaining any hook already there.
   */
  onRetry?: (info: RetryInfo) => void;
  /** Aborts the attempt in flight (timeout, deadline or the caller's signal). */
  attemptSignal?: AbortSignal;
  response?: ResponseInfo;
  /** The call's result; a middleware that sets it before `next()` short-circuits the call. */
  result?: unknown;
  /** Free space for user middleware. */
  readonly state: Record<string, unknown>;
}

/** A pipeline stage: the koa/hono onion. Call `next()` at most once. */
export type Middleware = (
  ctx: RequestContext,
  next: () => Promise<void>,
) => Promise<void> | void;
