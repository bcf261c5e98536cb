import type { CancelTimer, Clock } from "../clock.ts";
import type { Logger } from "../logging/logger.ts";
import type { BatchProgress, BatchReport } from "./report.ts";

/** The live numbers a progress report is made of, read when one is due. */
export type ProgressCounts = Omit<
  BatchProgress,
  "elapsedMs" | "ratePerSecond" | "recentRatePerSecond" | "final"
>;

/** What the reporter tells, and where. */
export interface ProgressReporterOptions {
  /** `patchTokens` or `deleteTokens`: names the job in log records. */
  batch: string;
  onProgress?: (progress: BatchProgress) => void;
  intervalMs: number;
  /** Told progress and the summary at info, as counts only; none when undefined. */
  logger?: Logger;
  /** The job's clock: reports are due on it, and elapsed time is read from it. */
  clock: Clock;
}

/** Progress every interval while a job runs, and its summary at the end. */
export interface ProgressReporter {
  start(): void;
  /** Stops the timer, tells `onProgress` the final counts and logs the summary. */
  finish(report: BatchReport): void;
}

/**
 * Reports a batch's progress to `onProgress` and the logger every `intervalMs` (no timer at
 * all when neither listens), with the rate since the start and since the last report.
 *
 * @example
 * const progress = createProgressReporter({ batch: "deleteTokens", intervalMs: 1000, onProgress }, counts);
 * progress.start();
 * // ... when the job is done:
 * progress.finish(report);
 */
export function createProgressReporter(
  options: ProgressReporterOptions,
  counts: () => ProgressCounts,
): ProgressReporter {
  const { batch, onProgress, logger, clock } = options;
  const started = clock.now();
  let last = { at: started, done: 0 };
  let cancel: CancelTimer | undefined;
  const every = (): void => {
    cancel = clock.setTimer(() => {
      tell(false);
      every();
    }, options.intervalMs);
  };

  const tell = (final: boolean): void => {
    const now = clock.now();
    const current = counts();
    const elapsedMs = now - started;
    const recentMs = now - last.at;
    const progress: BatchProgress = {
      ...current,
      elapsedMs,
      ratePerSecond: elapsedMs > 0 ? (current.done * 1000) / elapsedMs : 0,
      recentRatePerSecond: recentMs > 0 ? ((current.done - last.done) * 1000) / recentMs : 0,
      final,
    };
    last = { at: now, done: current.done };
    try {
      onProgress?.(progress);
    } catch { /* a progress display must not break the job */ }
    if (logger !== undefined && !final) {
      const { read, done, succeeded, failed, cancelled, skipped, inFlight, requests } = progress;
      const record = { read, done, succeeded, failed, cancelled, skipped, inFlight, requests };
      logger.info({ batch, ...record }, "batch progress");
    }
  };

  return {
    start() {
      if (onProgress !== undefined || logger !== undefined) every();
    },
    finish(report) {
      cancel?.();
      if (onProgress !== undefined) tell(true);
      if (logger === undefined) return;
      const { total, succeeded, failed, cancelled, skipped, durationMs, requests } = report;
      logger.info(
        {
          batch,
          total,
          succeeded,
          failed,
          cancelled,
          skipped,
          durationMs: Math.round(durationMs),
          requests,
          stopped: report.stopped?.type,
        },
        "batch finished",
      );
    },
  };
}
