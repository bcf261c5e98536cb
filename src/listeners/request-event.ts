import type { ActionName } from "../types.ts";

/**
 * The life of one attempt: `request`, then `response` or `error`; after a failed attempt
 * that will be retried, `retry` (before the wait).
 */
export type RequestEventType = "request" | "response" | "retry" | "error";

/**
 * One step of one attempt. It carries no headers, body or access token: only what is safe
 * to put in a log or a metric.
 */
export interface RequestEvent {
  /** Which step of the attempt this is. */
  readonly type: RequestEventType;
  /** The action called, e.g. `patchToken`. */
  readonly action: ActionName;
  /** The HTTP method sent. */
  readonly method: string;
  /** Below the client's base URL, e.g. `/instances/{id}/tokens/{id}`. */
  readonly path: string;
  /** The instance the call addresses. */
  readonly instanceId: string;
  /** The token the call addresses; absent for list and create. */
  readonly apiTokenId?: string;
  /** 1 for the first attempt. On `retry`: the attempt about to be made. */
  readonly attempt: number;
  /** Unique per call, shared by all its attempts and by the call's token events. */
  readonly callId: string;
  /** The `x-request-id` the attempt sends: `<callId>-<attempt>`. */
  readonly requestId: string;
  /** HTTP status: of the response, of an API error, or (on `retry`) of the failed attempt. */
  readonly status?: number;
  /** On `response` and `error`: from the start of the attempt. */
  readonly durationMs?: number;
  /** On `error`, and on `retry` the failure that caused it. */
  readonly error?: unknown;
  /** On `retry`: how long the retry stage waits before the attempt. */
  readonly delayMs?: number;
  /** ISO 8601. */
  readonly at: string;
}
