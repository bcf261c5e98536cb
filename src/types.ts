import type { RetryInfo, RetryOptions } from "./pipeline/retry-options.ts";

/**
 * The types every layer shares: the pipeline, logging, listeners, transport and actions
 * import them from here, so no layer imports another one back up to name a context.
 */

/**
 * An action's name, e.g. `getToken`. Open: a new action names itself in its own file and
 * edits no list of names.
 */
export type ActionName = string;

/** The HTTP methods the Losant token API uses. */
export type HttpMethod = "GET" | "PATCH" | "DELETE" | "POST";

/** What happened to a token, as seen through one successful call. */
export type TokenEventType = "fetched" | "updated" | "deleted" | "created";

/**
 * Which token events a successful call emits: one per token of the result (`tokens:
 * "result"`) or of its `items` (a page); `deleted` for the token the params name; or
 * `none`, said out loud, so a new action cannot emit nothing by omission.
 */
export type TokenEventDeclaration =
  | {
    readonly type: "fetched" | "updated" | "created";
    readonly tokens: "result" | "items";
  }
  | { readonly type: "deleted" }
  | { readonly type: "none" };

/**
 * What an action is, as the stages need to know it. The retry stage, the transport and the
 * token-event stage read these declarations; none of them tests a method or an action name.
 */
export interface ActionSemantics {
  /**
   * Whether the request may be sent again after an attempt whose outcome is unknown (the
   * request may have reached the API and no answer says what happened). True for a get, a
   * patch (the same body twice leaves the same token) and a delete; false for a create,
   * which would make a second token: such a call rejects with LosantOutcomeUnknownError.
   */
  readonly resendable: boolean;
  /**
   * What a 404 means after an earlier attempt's outcome was unknown: `"not-found"` (it is
   * a 404 like any other) or `{ applied: result }` (that attempt did the work and only the
   * answer was lost, so the call resolves `result`; a delete's is `{ success: true,
   * alreadyDeleted: true }`).
   */
  readonly notFoundAfterUnknown: "not-found" | { readonly applied: unknown };
  /**
   * Whether the request goes on a connection of its own on runtimes whose fetch silently
   * resends a request when a reused keep-alive connection closes (Deno, Bun): needed when a
   * silent resend would be misread (a delete answered 404) or would apply twice (a create).
   */
  readonly ownConnection: boolean;
  /**
   * Words the transport appends to the message of an error answer when this action's own
   * request explains it (a patch's roles refused by an API older than 1.30), or undefined.
   * Only the actions it applies to carry it, so an app that never patches bundles none.
   */
  readonly errorHint?: (status: number, message: string, body: unknown) => string | undefined;
  /** The token events a successful call emits. */
  readonly tokenEvent: TokenEventDeclaration;
}

/** What the transport read back: status, headers and the parsed JSON body. */
export interface ResponseInfo {
  /** The HTTP status, always 2xx here: an error status is thrown before a response is recorded. */
  status: number;
  /** The response headers as received. */
  headers: Headers;
  /**
   * The parsed JSON body, `undefined` when the body was empty; not yet checked against the action's
   * result schema.
   */
  body: unknown;
}

/**
 * One call travelling through the pipeline. Middleware may read and change the request
 * fields, set `result` to answer without a request, or read `response` after `next()`.
 * It never holds the access token: the transport adds Authorization at the last moment.
 */
export interface RequestContext {
  /** The action being called, e.g. `patchToken`. */
  readonly action: ActionName;
  /** What the action is: whether it may be resent, what a 404 means, which event it emits. */
  readonly semantics: ActionSemantics;
  /** Unique per call; every attempt sends `x-request-id: <callId>-<attempt>`. */
  readonly callId: string;
  /** The validated params the call was made with. */
  readonly params: Readonly<Record<string, unknown>>;
  /** The Losant instance the call addresses (from the params). */
  readonly instanceId: string;
  /** The token the call addresses; absent for instance-wide calls (list, create). */
  readonly apiTokenId?: string;
  /** The HTTP method the transport sends. */
  method: HttpMethod;
  /** Path below the client's base URL, e.g. `/instances/{id}/tokens/{id}`. */
  path: string;
  /** Query-string parameters as plain strings; the transport URL-encodes them. */
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
  /**
   * The retry settings for this call (the client's, merged with the call's), or `false`: no retry.
   */
  retry: RetryOptions | false;
  /**
   * Told before each retry's wait, after `retry.onRetry`. A per-call stage (events,
   * logging) sets it before `next()`, chaining any hook already there.
   */
  onRetry?: (info: RetryInfo) => void;
  /** Aborts the attempt in flight (timeout, deadline or the caller's signal). */
  attemptSignal?: AbortSignal;
  /** Set by the transport once a 2xx arrived; read it after `next()` returns. */
  response?: ResponseInfo;
  /**
   * The call's result. A middleware that sets it before `next()` short-circuits the call;
   * either way the action's result schema checks it (a wrong shape is a LosantResponseError).
   */
  result?: unknown;
  /** Free space for user middleware. */
  readonly state: Record<string, unknown>;
}

/** A pipeline stage: the koa/hono onion. Call `next()` at most once. */
export type Middleware = (
  ctx: RequestContext,
  next: () => Promise<void>,
) => Promise<void> | void;

/** The end of a chain: the transport, or the next chain. */
export type Terminal = (ctx: RequestContext) => Promise<void>;
