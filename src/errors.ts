/**
 * One hierarchy for everything the library throws. Errors carry what an operator needs
 * (action, method, path, status, request id) and never the request itself: ky's Request,
 * Headers and options hold the Authorization header, so none of them is ever attached.
 */

/** Where a failed call was going; every field is safe to log. */
export interface ErrorContext {
  action?: string;
  method?: string;
  path?: string;
  requestId?: string;
  attempts?: number;
  cause?: unknown;
}

/** The base class: `err instanceof LosantError` catches everything this library throws. */
export class LosantError extends Error {
  override name = "LosantError";
  readonly action?: string;
  readonly method?: string;
  readonly path?: string;
  /** The `x-request-id` of the last attempt, to find it in server logs. */
  requestId?: string;
  /** How many attempts were made before this error was thrown. */
  attempts?: number;
  /**
   * The errors of the earlier attempts, oldest first, when the call was retried. Declared
   * only, so an error that was not retried has no such key at all.
   */
  declare previousErrors?: readonly unknown[];

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
  message: string;
}

/**
 * Bad input: thrown before anything is sent. The message names each field and rule, and
 * never quotes a value the caller passed: a token pasted into the wrong field stays out of
 * every log the error reaches.
 */
export class LosantValidationError extends LosantError {
  override name = "LosantValidationError";
  readonly issues: readonly ValidationIssue[];

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
  override name = "LosantApiError";
  readonly statusCode: number;
  /** Losant's error type, e.g. `NotFound`, `Unauthorized`, `TooManyRequests`. */
  readonly type: string;
  /**
   * The raw `Retry-After` header, when the server sent one; on a 429 without it, the seconds
   * Losant's message names ("Retry in 3 seconds").
   */
  readonly retryAfter?: string;

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
  override name = "LosantOutcomeUnknownError";
}

/** An attempt ran past its timeout, or the call past its deadline. */
export class LosantTimeoutError extends LosantError {
  override name = "LosantTimeoutError";
  readonly timeoutMs: number;

  constructor(message: string, timeoutMs: number, context: ErrorContext = {}) {
    super(message, context);
    this.timeoutMs = timeoutMs;
  }
}

/** A response that is not what the API promises: not JSON, or the wrong shape. */
export class LosantResponseError extends LosantError {
  override name = "LosantResponseError";
  readonly statusCode?: number;

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
  override name = "LosantRetryAfterError";
  /** The moment the server said to come back. */
  readonly retryAt: Date;

  constructor(source: LosantApiError, retryAt: Date, maxRetryAfterMs: number) {
    super(
      source.statusCode,
      "RetryAfterTooLong",
      `Server asked to retry at ${retryAt.toISOString()}, beyond maxRetryAfter (${maxRetryAfterMs} ms): ${source.message}`,
      {
        action: source.action,
        method: source.method,
        path: source.path,
        requestId: source.requestId,
        retryAfter: source.retryAfter,
        cause: source,
      },
    );
    this.retryAt = retryAt;
  }
}
