import {
  LosantApiError,
  LosantNetworkError,
  LosantResponseError,
  LosantRetryAfterError,
  LosantTimeoutError,
} from "../errors.ts";
import { isOutcomeUnknown } from "../pipeline/retry-policy.ts";
import type { BatchStop } from "./report.ts";
import type { BatchOutcome, BatchResult } from "./result.ts";

/**
 * The pure decision "which result does this item get": from the error its call ended with,
 * what is known about the item, and the job's phase. No state, no effects: tested as a table.
 */

/** A stop cancelled the item while it was not on the wire (queued, or waiting to retry). */
export class CancelledError extends Error {
  override name = "CancelledError";
}

/** After the grace period, what is still on the wire is aborted with this. */
export class GraceExpiredError extends Error {
  override name = "GraceExpiredError";
}

/** A caller's callback (`onStart`) threw before the item's first request; nothing was sent. */
export class CallbackError extends Error {
  override name = "CallbackError";
}

/**
 * The operation read the token and found that its change no longer applies (a re-checked
 * audit finding gone stale): nothing was changed, and the item is `skipped` with `type`.
 */
export class ItemSkippedError extends Error {
  override name = "ItemSkipped";
  constructor(readonly type: string, message: string) {
    super(message);
  }
}

/** The item's instance is blocked (see {@link InstanceBlock}): the item is not sent. */
export class InstanceBlockedError extends Error {
  override name = "InstanceBlockedError";
  constructor(readonly block: InstanceBlock) {
    super("the instance is blocked");
  }
}

/** What the engine knows about an item when its call ends. */
export interface ItemFacts {
  key: string;
  index: number;
  instanceId: string;
  /** Some attempt went past the gate: something may have reached the server. */
  sent: boolean;
  /** Some attempt's outcome is unknown (this run's, or an earlier run's per the journal). */
  unknown: boolean;
  /** An earlier run's attempt had an unknown outcome. */
  resumeUnknown: boolean;
}

/** The job's phase, as far as the decision needs it. */
export interface JobPhase {
  dryRun: false | true | "validate";
  /** Set once the job is stopping. */
  stopping?: BatchStop;
  abortGraceMs: number;
  /** What a 404 after an unknown outcome means for this operation (a delete: done). */
  notFoundAfterUnknown?: BatchOutcome;
}

/**
 * The result of an item whose call failed with `error`.
 *
 * @example
 * failureResult(new LosantApiError(404, "NotFound", "gone"), facts, { dryRun: false, abortGraceMs: 5000 });
 */
export function failureResult(error: unknown, item: ItemFacts, job: JobPhase): BatchResult {
  const base = { key: item.key, index: item.index };
  const mutating = job.dryRun === false;
  const unknown = mutating && item.unknown;
  const withOutcome = (result: BatchResult, when: boolean): BatchResult => {
    if (when) result.outcome = "unknown";
    return result;
  };
  if (error instanceof CallbackError) {
    return withOutcome({
      ...base,
      status: "failed",
      type: "CallbackFailed",
      message: `Not sent: ${error.message}`,
    }, item.resumeUnknown);
  }
  if (error instanceof ItemSkippedError) {
    return { ...base, status: "skipped", type: error.type, message: error.message };
  }
  if (error instanceof CancelledError || (!item.sent && job.stopping !== undefined)) {
    const why = job.stopping?.message ?? "the batch stopped";
    return withOutcome({
      ...base,
      status: "cancelled",
      type: job.stopping?.type ?? "Aborted",
      // Waiting to retry is not in flight: the attempts so far were refused or failed.
      message: item.sent ? `Cancelled while waiting to retry: ${why}` : `Not started: ${why}`,
    }, unknown || item.resumeUnknown);
  }
  if (error instanceof InstanceBlockedError) {
    return withOutcome(blockedResult(item, error.block), unknown);
  }
  if (error instanceof GraceExpiredError) {
    return withOutcome({
      ...base,
      status: "failed",
      type: "Aborted",
      message: `In flight when the batch stopped (${job.stopping?.type}); aborted after ` +
        `abortGraceMs (${job.abortGraceMs} ms)`,
    }, mutating);
  }
  if (error instanceof LosantRetryAfterError) {
    return withOutcome({
      ...base,
      status: "failed",
      statusCode: error.statusCode,
      type: error.type,
      retryAt: error.retryAt.toISOString(),
      message: error.message,
    }, unknown);
  }
  if (error instanceof LosantApiError) {
    if (error.statusCode === 404) {
      // An earlier attempt (this call's or an earlier run's) may have done it.
      if (job.notFoundAfterUnknown !== undefined && unknown) {
        return { ...base, status: "succeeded", outcome: job.notFoundAfterUnknown, statusCode: 404 };
      }
      if (job.dryRun === true) {
        return {
          ...base,
          status: "skipped",
          outcome: "notFound",
          statusCode: 404,
          wouldChange: false,
        };
      }
    }
    return withOutcome({
      ...base,
      status: "failed",
      statusCode: error.statusCode,
      type: error.type,
      message: error.message,
    }, unknown);
  }
  const result: BatchResult = {
    ...base,
    status: "failed",
    type: errorType(error),
    message: error instanceof Error ? error.message : String(error),
  };
  if (error instanceof LosantResponseError && error.statusCode !== undefined) {
    result.statusCode = error.statusCode;
  }
  // No answer, or one we could not read: the change may have happened.
  return withOutcome(
    result,
    mutating && (unknown || isOutcomeUnknown(error) || error instanceof LosantResponseError),
  );
}

/** The result of an item never sent because its instance is blocked. */
export function blockedResult(
  item: Pick<ItemFacts, "key" | "index" | "instanceId" | "resumeUnknown">,
  block: InstanceBlock,
): BatchResult {
  const base = { key: item.key, index: item.index };
  const result: BatchResult = block.kind === "retryAfter"
    ? {
      ...base,
      status: "failed",
      statusCode: block.error.statusCode,
      type: block.error.type,
      retryAt: block.error.retryAt.toISOString(),
      message: `Not attempted: instance ${item.instanceId} asked to retry at ` +
        `${block.error.retryAt.toISOString()}, beyond maxRetryAfter`,
    }
    : {
      ...base,
      status: "cancelled",
      statusCode: 403,
      type: "InstanceForbidden",
      message: `Not sent: instance ${item.instanceId} answered ${block.count} requests in a ` +
        `row with 403 (stopInstanceAfterForbidden)`,
    };
  if (item.resumeUnknown) result.outcome = "unknown";
  return result;
}

/** Why an instance's remaining items are not sent. */
export type InstanceBlock =
  | { kind: "retryAfter"; error: LosantRetryAfterError }
  | { kind: "forbidden"; count: number };

/** The result type of an error that is not the API's own. */
function errorType(error: unknown): string {
  if (error instanceof LosantTimeoutError) return "Timeout";
  if (error instanceof LosantNetworkError) return "NetworkError";
  if (error instanceof LosantResponseError) return "ResponseError";
  if (error instanceof Error) return error.name;
  return "Error";
}
