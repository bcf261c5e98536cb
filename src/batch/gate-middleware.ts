import { LosantApiError } from "../errors.ts";
import type { Middleware } from "../types.ts";
import { isOutcomeUnknown, parseRetryAfter } from "../pipeline/retry-policy.ts";
import type { Clock } from "../clock.ts";
import type { InstanceGate } from "./instance-gate.ts";
import { CallbackError } from "./item-result.ts";

/** One item's call, as the gate middleware finds it through the call's own AbortSignal. */
export interface ItemRun {
  readonly instanceId: string;
  readonly controller: AbortController;
  /** Some attempt went past the gate: something may have reached the server. */
  sent: boolean;
  /** An attempt is on the wire now (past the gate, not yet answered). */
  onWire: boolean;
  /** Some attempt's outcome is unknown (this run's, or an earlier run's). */
  unknown: boolean;
}

/** What the middleware asks of the scheduler. */
export interface GateHooks {
  runOf(signal: AbortSignal | undefined): ItemRun | undefined;
  /** Why this attempt may not start (the job is stopping, the instance blocked), if so. */
  refusal(run: ItemRun): Error | undefined;
  /** Just before an item's first request (the journal line); may throw. */
  beforeFirstSend(run: ItemRun): void;
  /**
   * Each attempt's end, off the wire but before its slot is given back: a 401 or a 403 acts
   * here, and a job that stopped meanwhile cancels the item's retry.
   */
  attemptEnded(run: ItemRun, error: unknown): void;
}

/**
 * The gate as per-attempt middleware of the job's derived client: every attempt of an item
 * waits for a slot, and no attempt starts once the job is stopping or its instance is blocked
 * (a stop or block decided while the attempt waited for its slot included). Every answer is
 * told to the instance's rate controller: a 429 (with the wait it names, if any) slows that
 * instance, any other answer lets it grow. A 503 with Retry-After (the server is down, not
 * pacing us) pauses the whole instance until the moment named. Calls that are not the job's
 * (no run) pass through.
 *
 * @example
 * const gated = use(client, gateMiddleware(gate, clock, hooks));
 */
export function gateMiddleware(gate: InstanceGate, clock: Clock, hooks: GateHooks): Middleware {
  return async (ctx, next) => {
    const run = hooks.runOf(ctx.signal);
    if (run === undefined) return next();
    const before = hooks.refusal(run);
    if (before !== undefined) throw before;
    const release = await gate.acquire(run.instanceId, ctx.signal);
    try {
      // Decided while this attempt waited for its slot: it still must not start.
      const refused = hooks.refusal(run);
      if (refused !== undefined) throw refused;
      if (!run.sent) {
        try {
          hooks.beforeFirstSend(run);
        } catch (error) {
          const why = error instanceof Error ? error.message : String(error);
          throw new CallbackError(`onStart threw: ${why}`);
        }
      }
      run.sent = true;
      run.onWire = true;
      const sentAt = clock.now();
      try {
        await next();
      } catch (error) {
        run.onWire = false;
        noteFailure(gate, clock, run, error, ctx.signal, sentAt);
        hooks.attemptEnded(run, error);
        throw error;
      }
      run.onWire = false;
      gate.admitted(run.instanceId, sentAt);
      hooks.attemptEnded(run, undefined);
    } finally {
      release();
    }
  };
}

function noteFailure(
  gate: InstanceGate,
  clock: Clock,
  run: ItemRun,
  error: unknown,
  signal: AbortSignal | undefined,
  sentAt: number,
): void {
  if (error instanceof LosantApiError && error.statusCode === 429) {
    const now = clock.now();
    const until = parseRetryAfter(error.retryAfter, now);
    gate.throttled(run.instanceId, sentAt, until === undefined ? undefined : until - now);
  } else if (error instanceof LosantApiError && error.statusCode === 503) {
    const until = parseRetryAfter(error.retryAfter, clock.now());
    // Everything queued for this instance waits for the moment the server named.
    if (until !== undefined) gate.pause(run.instanceId, until);
    else if (isOutcomeUnknown(error)) run.unknown = true;
  } else {
    // Any other answer: the server took the request, so it counts as admitted.
    if (error instanceof LosantApiError) gate.admitted(run.instanceId, sentAt);
    if (isOutcomeUnknown(error) || (signal?.aborted && error === signal.reason)) run.unknown = true;
  }
}
