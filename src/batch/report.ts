import type { BatchResult } from "./result.ts";

/** Why a batch stopped before its input ran out. */
export interface BatchStop {
  /**
   * `Aborted` (the caller's signal), `Unauthorized` (a 401), `TooManyFailures`,
   * `InputFailed` (the input or the resume history threw), `CallbackFailed` (`onStart` threw).
   */
  type: "Aborted" | "Unauthorized" | "TooManyFailures" | "InputFailed" | "CallbackFailed";
  /** One line saying why, e.g. `Stopped after 5 failures (stopAfterFailures: 5)`. */
  message: string;
}

/**
 * What a batch did. `total === succeeded + failed + cancelled + skipped`, one per item read.
 * Failures and cancellations are always kept; successes and skips only with `keepResults`,
 * so a million-item job's report stays small when it goes well.
 */
export interface BatchReport {
  /** Items read from the input: one result each. */
  total: number;
  /** Items whose change was applied (or, in a dry run, checked). */
  succeeded: number;
  /** Items that failed; each is in `failures`. */
  failed: number;
  /** Items not sent because the job stopped; each is in `cancellations`. */
  cancelled: number;
  /** Items left alone: nothing to do, or done by an earlier run (resume). */
  skipped: number;
  /** From the start of the job to its end, in ms on the job's clock. */
  durationMs: number;
  /** Every failed result, in the order they finished. */
  failures: BatchResult[];
  /** Every cancelled result. */
  cancellations: BatchResult[];
  /** Succeeded results, in the order they finished (only with `keepResults`). */
  successes: BatchResult[];
  /** Skipped results (only with `keepResults`). */
  skips: BatchResult[];
  /** HTTP attempts sent, retries included. */
  requests: number;
  /**
   * Attempts the server answered 429 (throttled), retries included: each one was retried
   * (at a rate the instance's controller lowered), so it is a cost, not a failure.
   */
  throttled: number;
  /**
   * `throttled` per instance: each instance whose attempts were answered 429, with how many
   * (instances never throttled are not listed), so a slow job says which instance paced it.
   */
  throttledByInstance: Record<string, number>;
  /** Set when the batch stopped early. */
  stopped?: BatchStop;
  /**
   * False when the batch stopped before reading all of an async input: what was never read
   * has no result (a paged listing or an endless stream is not drained just to cancel it).
   * A sync input (an array) is always read to the end, its unread items cancelled.
   */
  inputComplete: boolean;
}

/** One instance's pacing, as progress shows it. */
export interface InstancePacing {
  /** The instance these figures are for. */
  instanceId: string;
  /** Attempt starts per second allowed now. */
  rate: number;
  /** `told` (`ratePerInstance`), or finding the limit after a 429 (`ramp`, `cubic`). */
  mode: "told" | "ramp" | "cubic";
  /** Attempts to the instance answered 429 so far. */
  throttled: number;
}

/** Counts as the job runs, told to `onProgress`. */
export interface BatchProgress {
  /** Items read from the input so far. */
  read: number;
  /** Results produced so far. */
  done: number;
  /** Results so far that succeeded. */
  succeeded: number;
  /** Results so far that failed. */
  failed: number;
  /** Results so far that were cancelled. */
  cancelled: number;
  /** Results so far that were skipped. */
  skipped: number;
  /** Items started and not finished (on the wire, waiting for a slot, or in retry backoff). */
  inFlight: number;
  /** Items read and waiting to start. */
  queued: number;
  /** HTTP attempts sent so far. */
  requests: number;
  /** Attempts answered 429 so far. */
  throttled: number;
  /** `throttled` per instance so far (instances answered 429 at least once). */
  throttledByInstance: Record<string, number>;
  /**
   * The instances being paced now (told `ratePerInstance`, or slowed by 429s), with the rate
   * each is allowed; an unpaced instance is not listed.
   */
  pacing: InstancePacing[];
  /** Milliseconds since the job started, on the job's clock. */
  elapsedMs: number;
  /** Results per second since the start. */
  ratePerSecond: number;
  /** Results per second since the previous progress report. */
  recentRatePerSecond: number;
  /** True on the last call, when the job has finished. */
  final: boolean;
}

/** The running counts behind the report and the progress reports. */
export interface Tally {
  add(result: BatchResult): void;
  readonly counts: Readonly<
    Pick<BatchReport, "total" | "succeeded" | "failed" | "cancelled" | "skipped">
  >;
  report(
    extra: Pick<
      BatchReport,
      "durationMs" | "requests" | "throttled" | "throttledByInstance" | "stopped" | "inputComplete"
    >,
  ): BatchReport;
}

/**
 * Makes a tally.
 *
 * @example
 * const tally = createTally(false);
 * tally.add({ key: "a/b", index: 0, status: "succeeded" });
 * tally.counts.succeeded; // 1
 */
export function createTally(keepResults: boolean): Tally {
  const counts = { total: 0, succeeded: 0, failed: 0, cancelled: 0, skipped: 0 };
  const failures: BatchResult[] = [];
  const cancellations: BatchResult[] = [];
  const successes: BatchResult[] = [];
  const skips: BatchResult[] = [];
  return {
    add(result) {
      counts.total++;
      counts[result.status]++;
      if (result.status === "failed") failures.push(result);
      else if (result.status === "cancelled") cancellations.push(result);
      else if (keepResults) (result.status === "succeeded" ? successes : skips).push(result);
    },
    counts,
    report(extra) {
      const report: BatchReport = {
        ...counts,
        durationMs: extra.durationMs,
        failures,
        cancellations,
        successes,
        skips,
        requests: extra.requests,
        throttled: extra.throttled,
        throttledByInstance: extra.throttledByInstance,
        inputComplete: extra.inputComplete,
      };
      if (extra.stopped !== undefined) report.stopped = extra.stopped;
      return report;
    },
  };
}
