/**
 * One hierarchy for everything the library throws. Errors carry what an operator needs
 * (action, method, path, status, request id) and never the request itself: ky's Request,
 * Headers and options hold the Authorization header, so none of them is ever attached.
 */

/** Where a failed call was going; every field is safe to log. */
export interface ErrorContext {
  /** The action that failed, e.g. `deleteToken`. */
  action?: string;
  /** The HTTP method of the request. */
  method?: string;
  /** The request path below the base URL; it holds ids, never a query or a token. */
  path?: string;
  /** The `x-request-id` the last attempt sent. */
  requestId?: string;
  /** How many attempts were made. */
  attempts?: number;
  /** The underlying error, kept as the new error's `cause`. */
  cause?: unknown;
}

// Fields without an initializer are `declare`d and set by the constructors: a plain field
// declaration is emitted as code that first sets it to undefined (bytes in every bundle).

/** The base class: `err instanceof LosantError` catches everything this library throws. */
export class LosantError extends Error {
  /** Always `"LosantError"`, for logs and for checks that cannot use `instanceof`. */
  override name = "LosantError";
  /** The action that failed, e.g. `deleteToken`; absent for errors raised outside a call. */
  declare readonly action?: string;
  /** The HTTP method of the failed request. */
  declare readonly method?: string;
  /** The request path below the base URL, e.g. `/instances/{id}/tokens/{id}`. */
  declare readonly path?: string;
  /** The `x-request-id` of the last attempt, to find it in server logs. */
  declare requestId?: string;
  /** How many attempts were made before this error was thrown. */
  declare attempts?: number;
  /**
   * The errors of the earlier attempts, oldest first, when the call was retried. Declared
   * only, so an error that was not retried has no such key at all.
   */
  declare previousErrors?: readonly unknown[];

  /** Makes an error whose fields come from `context`; `context.cause` becomes `cause`. */
  constructor(message: string, context: ErrorContext = {}) {
    super(message, context.cause === undefined ? undefined : { cause: context.cause });
    this.action = context.action;
    this.method = context.method;
    this.path = context.path;
    this.requestId = context.requestId;
    this.attempts = context.attempts;
  }
}

/** One failed rule of a param schema: where, which rule, and what it requires. */
export interface ValidationIssue {
  /** Dotted path of the field, e.g. `apiToken.name` or `orgRoles.0.role`. */
  path: string;
  /** The valibot rule that failed, e.g. `regex`, `max_length`, `strict_object`. */
  rule: string;
  /** What the rule requires, e.g. `must be at most 255 characters`; never the value. */
  message: string;
}

/**
 * Bad input: thrown before anything is sent. The message names each field and rule, and
 * never quotes a value the caller passed: a token pasted into the wrong field stays out of
 * every log the error reaches.
 */
export class LosantValidationError extends LosantError {
  /** Always `"LosantValidationError"`, for logs and for checks that cannot use `instanceof`. */
  override name = "LosantValidationError";
  /** Every failed rule, in the order the schema checked them. */
  declare readonly issues: readonly ValidationIssue[];

  /** `subject` says what was invalid: the call's params (default) or its options. */
  constructor(
    issues: readonly ValidationIssue[],
    context: ErrorContext = {},
    subject: "params" | "options" = "params",
  ) {
    const list = issues.map((i) => `${i.path}: ${i.message} (${i.rule})`).join("; ");
    super(`Invalid ${context.action ?? "input"} ${subject}: ${list}`, context);
    this.issues = issues;
  }
}

/** The API answered with an error status. Mirrors the official client's statusCode and type. */
export class LosantApiError extends LosantError {
  /** Always `"LosantApiError"`, for logs and for checks that cannot use `instanceof`. */
  override name = "LosantApiError";
  /** The HTTP status the API answered, e.g. 404 or 429. */
  declare readonly statusCode: number;
  /** Losant's error type, e.g. `NotFound`, `Unauthorized`, `TooManyRequests`. */
  declare readonly type: string;
  /**
   * The raw `Retry-After` header, when the server sent one; on a 429 without it, the seconds
   * Losant's message names ("Retry in 3 seconds").
   */
  declare readonly retryAfter?: string;

  /**
   * Makes an error for an answered status; `type` is Losant's error type, `message` its (scrubbed)
   * message.
   */
  constructor(
    statusCode: number,
    type: string,
    message: string,
    context: ErrorContext & { retryAfter?: string } = {},
  ) {
    super(message, context);
    this.statusCode = statusCode;
    this.type = type;
    this.retryAfter = context.retryAfter;
  }
}

/** The request never got a response: refused, reset, DNS, TLS. Safe to retry. */
export class LosantNetworkError extends LosantError {
  /** Always `"LosantNetworkError"`, for logs and for checks that cannot use `instanceof`. */
  override name = "LosantNetworkError";
  /**
   * False when the request never left (the connection was refused or failed while being
   * made), so nothing was applied; true when it may have reached the API.
   */
  requestSent = true;
}

/**
 * An attempt of an action that must not be sent twice (a create) failed with no answer
 * saying whether it was applied: it may have been. It was not resent; `cause` holds the
 * attempt's own error. Reconcile before trying again (look for what it would have made).
 */
export class LosantOutcomeUnknownError extends LosantError {
  /** Always `"LosantOutcomeUnknownError"`, for logs and for checks that cannot use `instanceof`. */
  override name = "LosantOutcomeUnknownError";
}

/** An attempt ran past its timeout, or the call past its deadline. */
export class LosantTimeoutError extends LosantError {
  /** Always `"LosantTimeoutError"`, for logs and for checks that cannot use `instanceof`. */
  override name = "LosantTimeoutError";
  /**
   * The limit that ran out, in milliseconds: the per-attempt `timeout` or what was left of the
   * call's deadline.
   */
  declare readonly timeoutMs: number;

  /** Makes a timeout error; `timeoutMs` is the limit that ran out. */
  constructor(message: string, timeoutMs: number, context: ErrorContext = {}) {
    super(message, context);
    this.timeoutMs = timeoutMs;
  }
}

/** A response that is not what the API promises: not JSON, or the wrong shape. */
export class LosantResponseError extends LosantError {
  /** Always `"LosantResponseError"`, for logs and for checks that cannot use `instanceof`. */
  override name = "LosantResponseError";
  /** The HTTP status of the unexpected response, when one arrived. */
  declare readonly statusCode?: number;

  /** Makes an error for a response that broke the API's contract. */
  constructor(message: string, context: ErrorContext & { statusCode?: number } = {}) {
    super(message, context);
    this.statusCode = context.statusCode;
  }
}

/**
 * The server asked to wait (`Retry-After`) longer than `maxRetryAfter` allows: failing at
 * once beats a job that silently hangs for an hour.
 */
export class LosantRetryAfterError extends LosantApiError {
  /** Always `"LosantRetryAfterError"`, for logs and for checks that cannot use `instanceof`. */
  override name = "LosantRetryAfterError";
  /** The moment the server said to come back. */
  declare readonly retryAt: Date;

  /** Wraps the API error that asked for the wait; `source` becomes `cause`. */
  constructor(source: LosantApiError, retryAt: Date, maxRetryAfterMs: number) {
    super(
      source.statusCode,
      "RetryAfterTooLong",
      `Server asked to retry at ${retryAt.toISOString()}, beyond maxRetryAfter (${maxRetryAfterMs} ms): ${source.message}`,
      // The source's action, method, path, requestId and retryAfter; the retry stage sets
      // attempts when the call settles.
      { ...source, attempts: undefined, cause: source },
    );
    this.retryAt = retryAt;
  }
}
