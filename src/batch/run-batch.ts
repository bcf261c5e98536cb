import { type Client, coreOf, use } from "../client.ts";
import { activeLogger, enabled } from "../logging/logger.ts";
import { LosantApiError } from "../errors.ts";
import { isRetryable } from "../pipeline/retry-policy.ts";
import { mergeRetry } from "../options.ts";
import { retryAfterVerdict } from "./retry-after-verdict.ts";
import { admit, keyOf } from "./intake.ts";
import { gateMiddleware, type ItemRun } from "./gate-middleware.ts";
import { createInputReader } from "./input-reader.ts";
import { createGate } from "./instance-gate.ts";
import { createInstanceQueues } from "./instance-queues.ts";
import {
  blockedResult,
  CancelledError,
  failureResult,
  GraceExpiredError,
  type InstanceBlock,
  InstanceBlockedError,
  type JobPhase,
} from "./item-result.ts";
import type { ResolvedBatchOptions } from "./options.ts";
import { createProgressReporter } from "./progress-reporter.ts";
import { type BatchReport, type BatchStop, createTally } from "./report.ts";
import type { BatchInput, BatchOperation, ValidItem } from "./operation.ts";
import type { BatchResult, BatchStarted } from "./result.ts";
import { type Running, runOne } from "./run-item.ts";
import type { ResultStream } from "./result-stream.ts";
import { loadResume, type ResumeState } from "./resume.ts";

export type { BatchInput, BatchOperation, ValidItem } from "./operation.ts";

/**
 * The engine behind every bulk action: a short scheduler over small parts. The input reader
 * reads lazily (while fewer than `maxBuffered` wait); per-instance queues hand out items
 * round-robin, the job's own token last; at most 2 × concurrency items run at once (2 ×
 * perInstanceConcurrency per instance) so calls sleeping in retry backoff do not idle the
 * wire; every attempt passes the gate middleware, which limits what is on the wire; each
 * ending is turned into a result by the pure `failureResult`. Results go to `stream` as they
 * happen; the promise resolves with the report and never rejects for an item's sake.
 *
 * Over 300 lines on purpose: the stop rules (abort, 401, stop-after-failures, 403s per
 * instance) all read and change the one set of running items, and splitting them from the
 * loop that starts items would hand that shared state across modules.
 *
 * @example
 * const report = await runBatch(client, items, deleteOperation, resolved, createResultStream());
 */
export async function runBatch<P extends { instanceId: string; apiTokenId: string }>(
  client: Client,
  input: BatchInput<unknown>,
  operation: BatchOperation<P>,
  options: ResolvedBatchOptions,
  stream: ResultStream,
): Promise<BatchReport> {
  const clock = coreOf(client).clock;
  const started = clock.now();
  const tally = createTally(options.keepResults === true);
  const gate = createGate(options, clock);
  const queues = createInstanceQueues<ValidItem<P>>(options.selfTokenId);
  const runs = new WeakMap<AbortSignal, Running<P>>();
  const active = new Set<Running<P>>();
  const blocks = new Map<string, InstanceBlock>();
  const forbiddenInARow = new Map<string, number>();
  const retry = mergeRetry(client.retry, options.retry);
  const itemCap = options.concurrency * 2;
  const perInstanceItemCap = options.perInstanceConcurrency * 2;
  const phase: JobPhase = {
    dryRun: options.dryRun,
    abortGraceMs: options.abortGraceMs,
    notFoundAfterUnknown: operation.notFoundAfterUnknown,
  };
  let history = new Map<string, ResumeState>();
  let finished = false;
  let pumping = false;
  let repump = false;
  let cancelGrace: (() => void) | undefined;
  let resolveDone!: (report: BatchReport) => void;
  const done = new Promise<BatchReport>((resolve) => (resolveDone = resolve));

  // ---- results -------------------------------------------------------------------------
  const emit = (result: BatchResult): void => {
    if (phase.dryRun !== false) result.dryRun = true;
    tally.add(result);
    stream.emit(result);
    const limit = options.stopAfterFailures;
    if (result.status === "failed" && limit !== undefined && tally.counts.failed >= limit) {
      stop({
        type: "TooManyFailures",
        message: `Stopped after ${tally.counts.failed} failures (stopAfterFailures: ${limit})`,
      });
    }
  };
  const cancelled = (item: Pick<ValidItem<P>, "index" | "key" | "resumeUnknown">): void =>
    emit(
      failureResult(
        new CancelledError(),
        { ...item, instanceId: "", sent: false, unknown: false },
        phase,
      ),
    );

  // ---- stopping ------------------------------------------------------------------------
  /** Stops the job; `except` is the run whose own failure stops it (it reports that). */
  function stop(reason: BatchStop, except?: ItemRun): void {
    if (phase.stopping !== undefined) return;
    phase.stopping = reason;
    for (const item of queues.takeAll()) cancelled(item);
    reader.close();
    // Not on the wire (waiting for a slot, or to retry): nothing more is sent; cancel now.
    for (const run of active) {
      if (!run.onWire && run !== except) run.controller.abort(new CancelledError(reason.message));
    }
    cancelGrace = clock.setTimer(() => {
      for (const run of active) run.controller.abort(new GraceExpiredError("abortGraceMs expired"));
    }, options.abortGraceMs);
    schedulePump();
  }
  const onAbort = (): void => {
    const reason = options.signal?.reason;
    stop({
      type: "Aborted",
      message: `the batch was aborted${reason instanceof Error ? `: ${reason.message}` : ""}`,
    });
  };

  function block(instanceId: string, why: InstanceBlock, except?: ItemRun): void {
    if (blocks.has(instanceId)) return;
    blocks.set(instanceId, why);
    for (const item of queues.takeInstance(instanceId)) emit(blockedResult(item, why));
    // Waiting for a slot or to retry: not sent again.
    for (const run of active) {
      if (run.instanceId === instanceId && !run.onWire && run !== except) {
        run.controller.abort(new InstanceBlockedError(why));
      }
    }
  }

  // ---- the gate, as per-attempt middleware of a derived client ---------------------------
  const gated = use(
    client,
    gateMiddleware(gate, clock, {
      runOf: (signal) => signal === undefined ? undefined : runs.get(signal),
      refusal(run) {
        if (phase.stopping !== undefined) return new CancelledError(phase.stopping.message);
        const blocked = blocks.get(run.instanceId);
        return blocked === undefined ? undefined : new InstanceBlockedError(blocked);
      },
      beforeFirstSend(run) {
        if (phase.dryRun !== false || options.onStart === undefined) return;
        const { item } = run as Running<P>;
        // Just before the first request that may change something, so a run killed
        // mid-call leaves a line saying so.
        const entry: BatchStarted = { key: item.key, index: item.index, status: "started" };
        try {
          options.onStart({ ...entry, ...operation.started?.(item.params) });
        } catch (error) {
          // A journal that cannot be written must not let the job go on unjournaled.
          const why = error instanceof Error ? error.message : String(error);
          stop({ type: "CallbackFailed", message: `onStart threw: ${why}` }, run);
          throw error;
        }
      },
      attemptEnded(run, error) {
        // Stopped while this attempt was on the wire: its retry is not in flight.
        if (phase.stopping !== undefined && isRetryable(error)) {
          run.controller.abort(new CancelledError(phase.stopping.message));
        }
        const status = error instanceof LosantApiError ? error.statusCode : undefined;
        if (status === 401) {
          stop({
            type: "Unauthorized",
            message: `the access token was rejected (401 ${(error as LosantApiError).type}): ${
              (error as LosantApiError).message
            }`,
          }, run);
        }
        // A wait beyond maxRetryAfter, even on an attempt that is not retried, ends the
        // instance's items instead of holding them until then.
        const verdict = retryAfterVerdict(error, clock.now(), retry);
        if (verdict !== undefined) {
          block(run.instanceId, { kind: "retryAfter", error: verdict }, run);
        }
        const limit = options.stopInstanceAfterForbidden;
        const n = status === 403 ? (forbiddenInARow.get(run.instanceId) ?? 0) + 1 : 0;
        forbiddenInARow.set(run.instanceId, n);
        if (limit !== false && n >= limit) {
          block(run.instanceId, { kind: "forbidden", count: n }, run);
        }
      },
    }),
  );

  // ---- running one item ----------------------------------------------------------------
  function startItem(item: ValidItem<P>): void {
    const run: Running<P> = {
      item,
      instanceId: item.instanceId,
      controller: new AbortController(),
      sent: false,
      onWire: false,
      unknown: item.resumeUnknown,
    };
    runs.set(run.controller.signal, run);
    active.add(run);
    void runItem(run).then((result) => {
      active.delete(run);
      emit(result);
      schedulePump();
    });
  }

  const runItem = (run: Running<P>): Promise<BatchResult> =>
    runOne(gated, run, operation, options, {
      phase,
      blockInstance: (error) => block(run.instanceId, { kind: "retryAfter", error }),
    });

  // ---- reading the input ---------------------------------------------------------------
  const take = (raw: unknown, index: number): void => {
    if (phase.stopping !== undefined) {
      return cancelled({ index, key: keyOf(raw), resumeUnknown: false });
    }
    const admitted = admit(raw, index, operation, { dryRun: phase.dryRun, history, blocks });
    if ("result" in admitted) emit(admitted.result);
    else queues.push(admitted.item);
  };

  const reader = createInputReader(input, {
    item: take,
    failed(error) {
      stop({
        type: "InputFailed",
        message: `reading the items failed: ${
          error instanceof Error ? error.message : String(error)
        }`,
      });
    },
    changed: () => schedulePump(),
  });

  // ---- scheduling ----------------------------------------------------------------------
  const mayStart = (instanceId: string): boolean =>
    // A paused instance starts nothing: its item slots are better used by others. The
    // gate's wake-up (onWake) brings the scheduler back when the pause ends.
    gate.pausedUntil(instanceId) <= clock.now() &&
    activeOn(instanceId) < perInstanceItemCap;
  // Derived from the runs themselves (at most 2 × concurrency of them), never kept by hand.
  const activeOn = (instanceId: string): number => {
    let n = 0;
    for (const run of active) if (run.instanceId === instanceId) n++;
    return n;
  };

  function startItems(): void {
    while (phase.stopping === undefined && active.size < itemCap && !stream.pressured) {
      const item = queues.next(mayStart);
      if (item === undefined) return;
      startItem(item);
    }
  }

  function schedulePump(): void {
    if (finished) return;
    if (pumping) {
      repump = true;
      return;
    }
    pumping = true;
    try {
      do {
        repump = false;
        startItems();
        // While stopping, a sync input is read out to cancel each item; an async one is closed.
        reader.fill(() =>
          phase.stopping !== undefined || (queues.size < options.maxBuffered && !stream.pressured)
        );
        startItems();
        maybeFinish();
      } while (repump && !finished);
    } finally {
      pumping = false;
    }
  }

  function maybeFinish(): void {
    if (!reader.ended || active.size > 0) return;
    if (queues.size > 0) {
      // Everything else is done: now the job's own token.
      if (phase.stopping === undefined && queues.releaseOwn()) repump = true;
      if (queues.size > 0) return;
    }
    finished = true;
    cancelGrace?.();
    gate.close();
    options.signal?.removeEventListener("abort", onAbort);
    const report = tally.report({
      durationMs: clock.now() - started,
      requests: gate.stats.granted,
      throttled: gate.stats.throttled,
      throttledByInstance: gate.throttledByInstance(),
      stopped: phase.stopping,
      inputComplete: reader.complete,
    });
    progress.finish(report);
    stream.end();
    resolveDone(report);
  }

  // Progress and the summary also go to the client's logger at info, as counts only.
  const logger = activeLogger(coreOf(client).logger);
  const progress = createProgressReporter({
    batch: operation.name,
    onProgress: options.onProgress,
    intervalMs: options.progressIntervalMs,
    logger: logger !== undefined && enabled(logger, "info") ? logger : undefined,
    clock,
  }, () => ({
    read: reader.read,
    done: tally.counts.total,
    succeeded: tally.counts.succeeded,
    failed: tally.counts.failed,
    cancelled: tally.counts.cancelled,
    skipped: tally.counts.skipped,
    inFlight: active.size,
    queued: queues.size,
    requests: gate.stats.granted,
    throttled: gate.stats.throttled,
    throttledByInstance: gate.throttledByInstance(),
    pacing: gate.pacing(),
  }));

  // ---- go ------------------------------------------------------------------------------
  stream.onDrain(schedulePump);
  gate.onWake(schedulePump);
  try {
    if (options.resume !== undefined) history = await loadResume(options.resume);
  } catch (error) {
    // A history we cannot read must not turn into a job that redoes everything.
    const why = error instanceof Error ? error.message : String(error);
    phase.stopping = { type: "InputFailed", message: `reading the resume history failed: ${why}` };
    reader.close(true);
  }
  progress.start();
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener("abort", onAbort, { once: true });
  schedulePump();
  return done;
}
