import { requestIdOf } from "../call-id.ts";
import type { RequestContext } from "../types.ts";

/**
 * Log records are built from an allow-list of fields, never by copying an object: a
 * context's headers, a request, a token or an error's cause may hold the access token or
 * a token secret, and pino's `redact` cannot protect a logger the user made.
 */

/** What a log line says about an error: its class, Losant type, status and message. */
export interface ErrorRecord {
  /** The class name, e.g. `LosantApiError`. */
  type: string;
  message: string;
  /** Losant's error type, e.g. `NotFound`, on API errors. */
  losantType?: string;
  statusCode?: number;
  retryAfter?: string;
  attempts?: number;
  requestId?: string;
  /** Field paths of a validation error (the paths, not the values). */
  fields?: string[];
}

/** One attempt or one call, as a log line carries it. */
export interface RequestRecord {
  action: string;
  method: string;
  path: string;
  instanceId: string;
  apiTokenId?: string;
  attempt: number;
  callId: string;
  /** The `x-request-id` the attempt sent. */
  requestId: string;
  status?: number;
  durationMs?: number;
  error?: ErrorRecord;
}

// Long enough for any message this library writes; a runaway message from elsewhere is cut.
const MAX_MESSAGE = 500;

/**
 * The safe fields of anything thrown. Only named, primitive fields are read; `cause`,
 * `previousErrors` and anything else an error holds are left behind.
 *
 * @example
 * logger.error({ error: errorRecord(err) }, "job failed");
 */
export function errorRecord(error: unknown): ErrorRecord {
  if (!(error instanceof Error)) {
    return { type: typeof error, message: String(error).slice(0, MAX_MESSAGE) };
  }
  const e = error as Error & Record<string, unknown>;
  const record: ErrorRecord = { type: error.name, message: error.message.slice(0, MAX_MESSAGE) };
  if (typeof e.type === "string") record.losantType = e.type;
  if (typeof e.statusCode === "number") record.statusCode = e.statusCode;
  if (typeof e.retryAfter === "string") record.retryAfter = e.retryAfter;
  if (typeof e.attempts === "number") record.attempts = e.attempts;
  if (typeof e.requestId === "string") record.requestId = e.requestId;
  if (Array.isArray(e.issues)) {
    record.fields = e.issues.map((i) => String((i as { path?: unknown }).path));
  }
  return record;
}

/**
 * The allow-listed fields of a call at its current attempt, plus what the caller measured.
 *
 * @example
 * logger.debug(requestRecord(ctx, { status: 200, durationMs: 12 }), "attempt succeeded");
 */
export function requestRecord(
  ctx: RequestContext,
  extra: { status?: number; durationMs?: number; error?: unknown } = {},
): RequestRecord {
  const record: RequestRecord = {
    action: ctx.action,
    method: ctx.method,
    path: ctx.path,
    instanceId: ctx.instanceId,
    attempt: ctx.attempt,
    callId: ctx.callId,
    requestId: requestIdOf(ctx.callId, ctx.attempt),
  };
  if (ctx.apiTokenId !== undefined) record.apiTokenId = ctx.apiTokenId;
  const status = extra.status ?? statusOf(extra.error);
  if (status !== undefined) record.status = status;
  if (extra.durationMs !== undefined) record.durationMs = extra.durationMs;
  if (extra.error !== undefined) record.error = errorRecord(extra.error);
  return record;
}

/** The HTTP status an error carries, when it carries one. */
export function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | undefined)?.statusCode;
  return typeof status === "number" ? status : undefined;
}

/** What became of an attempt or call: the error's class and status, or the status. */
export function outcomeOf(record: RequestRecord): string {
  return record.error
    ? `${record.error.type}${record.status ? ` ${record.status}` : ""}`
    : String(record.status ?? "ok");
}

/** A one-line human message for a record, pino's `msg`. */
export function requestMessage(record: RequestRecord): string {
  const took = record.durationMs === undefined ? "" : ` ${record.durationMs} ms`;
  return `${record.action} ${record.method} ${record.path} → ${
    outcomeOf(record)
  }${took} (attempt ${record.attempt})`;
}
