import { withoutSecret } from "../scrub.ts";
import { type Client, coreOf, use } from "../client.ts";
import { activeLogger, enabled } from "../logging/logger.ts";
import { getToken } from "../actions/get-token.ts";
import type { CallOptions } from "../actions/run-action.ts";
import {
  LosantApiError,
  LosantError,
  LosantNetworkError,
  LosantResponseError,
  LosantRetryAfterError,
  LosantTimeoutError,
} from "../errors.ts";
import type { Middleware } from "../pipeline/context.ts";
import { isOutcomeUnknown, parseRetryAfter } from "../pipeline/retry-policy.ts";
import type { ApiToken } from "../schemas/api-token.ts";
import { createGate } from "./instance-gate.ts";
import type { ResolvedBatchOptions } from "./options.ts";
import { createProgressReporter } from "./progress-reporter.ts";
import { type BatchReport, type BatchStop, createTally } from "./report.ts";
import type { BatchOutcome, BatchResult, BatchStarted } from "./result.ts";
import type { ResultStream } from "./result-stream.ts";
import { loadResume, type ResumeState } from "./resume.ts";

/** An item that passed validation, ready to run. */
export interface ValidItem<P> {
  index: number;
  key: string;
  instanceId: string;
  apiTokenId: string;
  params: P;
  /** An earlier run's attempt on it had an unknown outcome. */
  resumeUnknown: boolean;
}

/** What patchTokens and deleteTokens plug into the engine. */
export interface BatchOperation<P extends { instanceId: string; apiTokenId: string }> {
  /** Names the job in log records (`deleteTokens`). */
  readonly name: string;
  /** Parses one raw item; throws LosantValidationError. */
  validate(raw: unknown): P;
  /** The real call: the outcome, and the token when the server returned one. */
  run(
    client: Client,
    params: P,
    options: CallOptions,
  ): Promise<{ outcome: BatchOutcome; token?: ApiToken }>;
  /** Dry run: would the real call change this token? */
  wouldChange(token: ApiToken, params: P): boolean;
  /**
   * What a 404 means after an attempt whose outcome is unknown (this run's or an earlier
   * run's): that attempt did it (a delete: `alreadyDeleted`). Undefined: a 404 fails.
   */
  readonly notFoundAfterUnknown?: BatchOutcome;
  /** What the journal line written before the first mutating request records (the patch). */
  started?(params: P): Partial<Pick<BatchStarted, "apiToken">>;
}

/** Items from an array, any iterable or any async iterable. */
export type BatchInput<T> = Iterable<T> | AsyncIterable<T>;

/** The per-call state the gate middleware finds through the call's own AbortSignal. */
interface ItemRun {
  item: ValidItem<unknown>;
  controller: AbortController;
  /** An attempt has gone past the gate: something may have reached the server. */
  sent: boolean;
  /** Some attempt's outcome is unknown (this run's, or an earlier run's). */
  unknown: boolean;
}

/** A stop cancels the items that never sent anything with this. */
class NotStartedError extends Error {
  override name = "NotStartedError";
}

/** After the grace period, what is still in flight is aborted with this. */
class GraceExpiredError extends Error {
  override name = "GraceExpiredError";
}

// How long reading may run on microtasks alone before it yields a macrotask turn.
const YIELD_EVERY_MS = 20;

/**
 * The engine behind patchTokens and deleteTokens. It reads items lazily: only while fewer
 * than `maxBuffered` wait to start; it starts at most 2 × concurrency items at once (2 ×
 * perInstanceConcurrency per instance) so calls sleeping in retry backoff do not idle the
 * wire; every attempt then passes the instance gate, which limits what is on the wire.
 * Results go to `stream` as they happen; the promise resolves with the report and never
 * rejects for an item's sake.
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
  const started = performance.now();
  const tally = createTally(options.keepResults === true);
  const gate = createGate(options);
  const runs = new WeakMap<AbortSignal, ItemRun>();
  const active = new Set<ItemRun>();
  const activeByInstance = new Map<string, number>();
  const queues = new Map<string, ValidItem<P>[]>();
  const blocked = new Map<string, LosantRetryAfterError>();
  const deferred: ValidItem<P>[] = [];
  const selfTokenId = options.selfTokenId?.toLowerCase();
  const itemCap = options.concurrency * 2;
  const perInstanceItemCap = options.perInstanceConcurrency * 2;
  const dryRun = options.dryRun;

  let history = new Map<string, ResumeState>();
  let stopping: BatchStop | undefined;
  let buffered = 0;
  let read = 0;
  let sourceDone = false;
  let reading = false;
  let inputComplete = true;
  let finished = false;
  let pumping = false;
  let repump = false;
  let graceTimer: ReturnType<typeof setTimeout> | undefined;
  let wakeTimer: ReturnType<typeof setTimeout> | undefined;
  let wakeAt = Infinity;
  let yieldTimer: ReturnType<typeof setTimeout> | undefined;
  let resolveDone!: (report: BatchReport) => void;
  const done = new Promise<BatchReport>((resolve) => (resolveDone = resolve));

  // Progress and the summary also go to the client's logger at info, as counts only.
  const logger = activeLogger(coreOf(client).logger);
  const progress = createProgressReporter({
    batch: operation.name,
    onProgress: options.onProgress,
    intervalMs: options.progressIntervalMs,
    logger: logger !== undefined && enabled(logger, "info") ? logger : undefined,
  }, () => ({
    read,
    done: tally.counts.total,
    succeeded: tally.counts.succeeded,
    failed: tally.counts.failed,
    cancelled: tally.counts.cancelled,
    skipped: tally.counts.skipped,
    inFlight: active.size,
    queued: buffered + deferred.length,
    requests: gate.stats.granted,
  }));

  // ---- the gate, as per-attempt middleware of a derived client -------------------------
  const gateMiddleware: Middleware = async (ctx, next) => {
    const run = ctx.signal === undefined ? undefined : runs.get(ctx.signal);
    if (run === undefined) return next();
    if (stopping !== undefined && !run.sent) throw new NotStartedError();
    const instanceId = run.item.instanceId;
    const release = await gate.acquire(instanceId, ctx.signal, run);
    if (!run.sent && dryRun === false && options.onStart !== undefined) {
      // Just before the first request that may change something, so a run killed mid-call
      // leaves a line saying so.
      const entry: BatchStarted = {
        key: run.item.key,
        index: run.item.index,
        status: "started",
        ...operation.started?.(run.item.params as P),
      };
      options.onStart(entry);
    }
    run.sent = true;
    try {
      await next();
    } catch (error) {
      if (
        error instanceof LosantApiError && (error.statusCode === 429 || error.statusCode === 503)
      ) {
        const until = parseRetryAfter(error.retryAfter, Date.now());
        // Everything queued for this instance waits for the moment the server named.
        if (until !== undefined) gate.pause(instanceId, until);
        else if (isOutcomeUnknown(error)) run.unknown = true;
      } else if (isOutcomeUnknown(error) || error === ctx.signal?.reason) {
        run.unknown = true;
      }
      throw error;
    } finally {
      release();
    }
  };
  const gated = use(client, gateMiddleware);

  // ---- results -----------------------------------------------------------------------
  const emit = (result: BatchResult): void => {
    if (dryRun !== false) result.dryRun = true;
    tally.add(result);
    stream.emit(result);
    if (
      result.status === "failed" && options.stopAfterFailures !== undefined &&
      tally.counts.failed >= options.stopAfterFailures
    ) {
      stop({
        type: "TooManyFailures",
        message:
          `Stopped after ${tally.counts.failed} failures (stopAfterFailures: ${options.stopAfterFailures})`,
      });
    }
  };

  const cancel = (index: number, key: string, unknown = false): void => {
    const result: BatchResult = {
      key,
      index,
      status: "cancelled",
      type: stopping!.type,
      message: `Not started: ${stopping!.message}`,
    };
    if (unknown) result.outcome = "unknown";
    emit(result);
  };

  const blockedResult = (item: ValidItem<P>, error: LosantRetryAfterError): BatchResult => {
    const result: BatchResult = {
      key: item.key,
      index: item.index,
      status: "failed",
      statusCode: error.statusCode,
      type: error.type,
      retryAt: error.retryAt.toISOString(),
      message:
        `Not attempted: instance ${item.instanceId} asked to retry at ${error.retryAt.toISOString()}, beyond maxRetryAfter`,
    };
    if (item.resumeUnknown) result.outcome = "unknown";
    return result;
  };

  // ---- stopping ----------------------------------------------------------------------
  function stop(reason: BatchStop): void {
    if (stopping !== undefined) return;
    stopping = reason;
    for (const [id, queue] of queues) {
      queues.delete(id);
      buffered -= queue.length;
      for (const item of queue) cancel(item.index, item.key, item.resumeUnknown);
    }
    for (const item of deferred.splice(0)) cancel(item.index, item.key, item.resumeUnknown);
    // Calls waiting for their first slot have sent nothing: cancel them now.
    gate.reject((tag) => !(tag as ItemRun).sent, new NotStartedError());
    if (active.size > 0) {
      graceTimer = setTimeout(() => {
        for (const run of active) {
          run.controller.abort(new GraceExpiredError("abortGraceMs expired"));
        }
      }, options.abortGraceMs);
    }
    schedulePump();
  }

  const onAbort = (): void => {
    const reason = options.signal?.reason;
    stop({
      type: "Aborted",
      message: `the batch was aborted${reason instanceof Error ? `: ${reason.message}` : ""}`,
    });
  };

  // ---- running one item --------------------------------------------------------------
  const countActive = (instanceId: string, delta: number): void => {
    const n = (activeByInstance.get(instanceId) ?? 0) + delta;
    if (n === 0) activeByInstance.delete(instanceId);
    else activeByInstance.set(instanceId, n);
  };

  const startItem = (item: ValidItem<P>): void => {
    const run: ItemRun = {
      item,
      controller: new AbortController(),
      sent: false,
      unknown: item.resumeUnknown,
    };
    runs.set(run.controller.signal, run);
    active.add(run);
    countActive(item.instanceId, 1);
    void runItem(run, item).then((result) => {
      active.delete(run);
      countActive(item.instanceId, -1);
      emit(result);
      schedulePump();
    });
  };

  const callOptions = (run: ItemRun): CallOptions => {
    const o: CallOptions = { signal: run.controller.signal };
    if (options.retry !== undefined) o.retry = options.retry;
    if (options.timeout !== undefined) o.timeout = options.timeout;
    return o;
  };

  async function runItem(run: ItemRun, item: ValidItem<P>): Promise<BatchResult> {
    const base = { key: item.key, index: item.index };
    try {
      if (dryRun === true) {
        const token = await getToken(gated, {
          instanceId: item.instanceId,
          apiTokenId: item.apiTokenId,
        }, callOptions(run));
        const result: BatchResult = {
          ...base,
          status: "skipped",
          wouldChange: operation.wouldChange(token, item.params),
        };
        if (options.includeTokens) result.token = withoutSecret(token);
        return result;
      }
      const { outcome, token } = await operation.run(gated, item.params, callOptions(run));
      const result: BatchResult = { ...base, status: "succeeded", outcome };
      if (options.includeTokens && token !== undefined) result.token = withoutSecret(token);
      return result;
    } catch (error) {
      return failure(run, item, error);
    }
  }

  function failure(run: ItemRun, item: ValidItem<P>, error: unknown): BatchResult {
    const base = { key: item.key, index: item.index };
    const mutating = dryRun === false;
    const unknown = mutating && run.unknown;
    if (error instanceof NotStartedError || (!run.sent && stopping !== undefined)) {
      return {
        ...base,
        status: "cancelled",
        type: stopping?.type ?? "Aborted",
        message: `Not started: ${stopping?.message ?? "the batch stopped"}`,
        ...(item.resumeUnknown ? { outcome: "unknown" as const } : {}),
      };
    }
    if (error instanceof GraceExpiredError) {
      const result: BatchResult = {
        ...base,
        status: "failed",
        type: "Aborted",
        message:
          `In flight when the batch stopped (${stopping?.type}); aborted after abortGraceMs (${options.abortGraceMs} ms)`,
      };
      if (mutating) result.outcome = "unknown";
      return result;
    }
    if (error instanceof LosantRetryAfterError) {
      blockInstance(item.instanceId, error);
      const result = blockedResult(item, error);
      result.message = error.message;
      if (unknown) result.outcome = "unknown";
      return result;
    }
    if (error instanceof LosantApiError) {
      if (error.statusCode === 404) {
        // An earlier attempt (this call's or an earlier run's) may have deleted it.
        if (operation.notFoundAfterUnknown !== undefined && mutating && run.unknown) {
          return {
            ...base,
            status: "succeeded",
            outcome: operation.notFoundAfterUnknown,
            statusCode: 404,
          };
        }
        if (dryRun === true) {
          return {
            ...base,
            status: "skipped",
            outcome: "notFound",
            statusCode: 404,
            wouldChange: false,
          };
        }
      }
      if (error.statusCode === 401) {
        stop({
          type: "Unauthorized",
          message: `the access token was rejected (401 ${error.type}): ${error.message}`,
        });
      }
      const result: BatchResult = {
        ...base,
        status: "failed",
        statusCode: error.statusCode,
        type: error.type,
        message: error.message,
      };
      if (unknown) result.outcome = "unknown";
      return result;
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
    if (mutating && (unknown || isOutcomeUnknown(error) || error instanceof LosantResponseError)) {
      result.outcome = "unknown";
    }
    return result;
  }

  function blockInstance(instanceId: string, error: LosantRetryAfterError): void {
    if (blocked.has(instanceId)) return;
    blocked.set(instanceId, error);
    const queue = queues.get(instanceId);
    if (queue !== undefined) {
      queues.delete(instanceId);
      buffered -= queue.length;
      for (const item of queue) emit(blockedResult(item, error));
    }
    gate.rejectInstance(instanceId, error);
  }

  // ---- reading the input ---------------------------------------------------------------
  const asyncSource = typeof (input as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function";
  let syncIterator: Iterator<unknown> | undefined;
  let asyncIterator: AsyncIterator<unknown> | undefined;
  let lastYield = performance.now();

  const take = (raw: unknown): void => {
    const index = read++;
    if (stopping !== undefined) {
      cancel(index, keyOf(raw));
      return;
    }
    let params: P;
    try {
      params = operation.validate(raw);
    } catch (error) {
      emit({
        key: keyOf(raw),
        index,
        status: "failed",
        type: error instanceof LosantError ? error.name : "ValidationError",
        message: error instanceof Error ? error.message : String(error),
      });
      return;
    }
    const instanceId = params.instanceId.toLowerCase();
    const apiTokenId = params.apiTokenId.toLowerCase();
    const key = `${instanceId}/${apiTokenId}`;
    const past = history.get(key);
    if (past === "succeeded") {
      emit({
        key,
        index,
        status: "skipped",
        outcome: "succeededEarlier",
        message: "succeeded in an earlier run",
      });
      return;
    }
    const item: ValidItem<P> = {
      index,
      key,
      instanceId,
      apiTokenId,
      params,
      resumeUnknown: past === "unknown",
    };
    if (dryRun === "validate") {
      emit({ key, index, status: "skipped" });
      return;
    }
    const block = blocked.get(instanceId);
    if (block !== undefined) {
      emit(blockedResult(item, block));
      return;
    }
    if (selfTokenId !== undefined && apiTokenId === selfTokenId) {
      deferred.push(item);
      return;
    }
    let queue = queues.get(instanceId);
    if (queue === undefined) queues.set(instanceId, queue = []);
    queue.push(item);
    buffered++;
  };

  const endInput = (): void => {
    sourceDone = true;
    syncIterator = undefined;
    asyncIterator = undefined;
  };

  const inputFailed = (error: unknown): void => {
    endInput();
    inputComplete = false;
    stop({
      type: "InputFailed",
      message: `reading the items failed: ${
        error instanceof Error ? error.message : String(error)
      }`,
    });
  };

  /** Reads while there is room; sync inputs in slices, async ones one item at a time. */
  function fill(): void {
    while (!sourceDone && !reading) {
      const draining = stopping !== undefined;
      if (draining && asyncSource) {
        // Do not pull more of an async input (a listing, a stream) just to cancel it.
        inputComplete = false;
        const iterator = asyncIterator;
        endInput();
        void Promise.resolve(iterator?.return?.()).catch(() => {});
        return;
      }
      if ((!draining && buffered >= options.maxBuffered) || stream.pressured) return;
      if (performance.now() - lastYield > YIELD_EVERY_MS) {
        // Inputs that never wait (an array, a generator) would otherwise hold the event
        // loop for the whole run of a validate-only job: let timers and sockets through.
        yieldTimer ??= setTimeout(() => {
          yieldTimer = undefined;
          lastYield = performance.now();
          schedulePump();
        }, 0);
        return;
      }
      if (asyncSource) {
        asyncIterator ??= (input as AsyncIterable<unknown>)[Symbol.asyncIterator]();
        reading = true;
        asyncIterator.next().then(
          (next) => {
            reading = false;
            if (next.done) endInput();
            else take(next.value);
            schedulePump();
          },
          (error) => {
            reading = false;
            inputFailed(error);
            schedulePump();
          },
        );
        return;
      }
      try {
        syncIterator ??= (input as Iterable<unknown>)[Symbol.iterator]();
        const next = syncIterator.next();
        if (next.done) endInput();
        else take(next.value);
      } catch (error) {
        inputFailed(error);
      }
    }
  }

  // ---- scheduling ----------------------------------------------------------------------
  function startItems(): void {
    if (stopping !== undefined) return;
    const now = Date.now();
    let progress = true;
    while (progress && active.size < itemCap && queues.size > 0 && !stream.pressured) {
      progress = false;
      for (const [instanceId, queue] of [...queues]) {
        if (active.size >= itemCap || stopping !== undefined) return;
        const pausedUntil = gate.pausedUntil(instanceId);
        if (pausedUntil > now) {
          // Start nothing for a paused instance: its slots are better used by others.
          scheduleWake(pausedUntil);
          continue;
        }
        if ((activeByInstance.get(instanceId) ?? 0) >= perInstanceItemCap) continue;
        const item = queue.shift()!;
        buffered--;
        queues.delete(instanceId);
        if (queue.length > 0) queues.set(instanceId, queue); // to the back: round-robin
        startItem(item);
        progress = true;
      }
    }
  }

  function scheduleWake(at: number): void {
    if (at >= wakeAt) return;
    clearTimeout(wakeTimer);
    wakeAt = at;
    wakeTimer = setTimeout(() => {
      wakeTimer = undefined;
      wakeAt = Infinity;
      schedulePump();
    }, Math.max(0, at - Date.now()));
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
        fill();
        startItems();
        maybeFinish();
      } while (repump && !finished);
    } finally {
      pumping = false;
    }
  }

  function maybeFinish(): void {
    if (!sourceDone || reading || buffered > 0 || active.size > 0) return;
    if (deferred.length > 0 && stopping === undefined) {
      // Everything else is done: now the job's own token.
      for (const item of deferred.splice(0)) {
        const block = blocked.get(item.instanceId);
        if (block !== undefined) {
          emit(blockedResult(item, block));
          continue;
        }
        let queue = queues.get(item.instanceId);
        if (queue === undefined) queues.set(item.instanceId, queue = []);
        queue.push(item);
        buffered++;
      }
      repump = true;
      return;
    }
    finish();
  }

  function finish(): void {
    finished = true;
    clearTimeout(graceTimer);
    clearTimeout(wakeTimer);
    clearTimeout(yieldTimer);
    gate.close();
    options.signal?.removeEventListener("abort", onAbort);
    const report = tally.report({
      durationMs: performance.now() - started,
      requests: gate.stats.granted,
      stopped: stopping,
      inputComplete,
    });
    progress.finish(report);
    stream.end();
    resolveDone(report);
  }

  // ---- go ------------------------------------------------------------------------------
  stream.onDrain(schedulePump);
  try {
    if (options.resume !== undefined) history = await loadResume(options.resume);
  } catch (error) {
    // A history we cannot read must not turn into a job that redoes everything.
    inputComplete = false;
    endInput();
    stopping = {
      type: "InputFailed",
      message: `reading the resume history failed: ${
        error instanceof Error ? error.message : String(error)
      }`,
    };
  }
  progress.start();
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener("abort", onAbort, { once: true });
  schedulePump();
  return done;
}

/** The key of a raw item, safe to print even when the item is garbage. */
function keyOf(raw: unknown): string {
  const part = (value: unknown): string =>
    typeof value === "string" && /^[\w.-]{1,64}$/.test(value) ? value.toLowerCase() : "?";
  const item = typeof raw === "object" && raw !== null ? raw as Record<string, unknown> : {};
  return `${part(item.instanceId)}/${part(item.apiTokenId)}`;
}

function errorType(error: unknown): string {
  if (error instanceof LosantTimeoutError) return "Timeout";
  if (error instanceof LosantNetworkError) return "NetworkError";
  if (error instanceof LosantResponseError) return "ResponseError";
  if (error instanceof Error) return error.name;
  return "Error";
}
