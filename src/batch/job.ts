import type { BatchReport } from "./report.ts";
import type { BatchResult } from "./result.ts";
import { createResultStream, type ResultStream } from "./result-stream.ts";
import { createSubscribable, type Subscribable } from "./subscribable.ts";

/**
 * A running (or about-to-run) batch: a Promise of the report (`await`, `.then`, `.catch`,
 * `.finally`), plus `results` to iterate and `results$` to subscribe to each result as it
 * happens. Invalid options or input reject it (LosantValidationError, TypeError); nothing is
 * thrown synchronously and nothing is sent.
 *
 * The job starts when first awaited or consumed, on the next microtask, so every consumer
 * attached in the same synchronous block sees every result. A consumer attached after the
 * job has started sees results from then on: attach the NDJSON writer before awaiting.
 * `results` iterators apply backpressure (a consumer far behind pauses the job);
 * `results$` subscribers are called synchronously and never pause it. A job that rejects
 * ends `results` with its error and errors `results$`.
 */
export interface BatchJob extends Promise<BatchReport> {
  /** Every result, as an async iterable; each iteration is its own consumer. */
  readonly results: AsyncIterable<BatchResult>;
  /**
   * Every result, pushed as it happens; completes when the job ends. Not an rxjs Observable
   * (the batch entry works without rxjs): rxjs' `from(job.results$)` adopts it, and
   * `batchResults(job)` from `losant-tokens/events` returns it typed as one.
   */
  readonly results$: Subscribable<BatchResult>;
}

/**
 * Wraps the engine into a lazy job. `run` may throw (synchronously or not): the job then
 * rejects with that error.
 *
 * @example
 * const job = createJob((stream) => runBatch(client, items, operation, resolved, stream));
 */
export function createJob(run: (stream: ResultStream) => Promise<BatchReport>): BatchJob {
  const stream = createResultStream();
  let report: Promise<BatchReport> | undefined;
  const start = (): Promise<BatchReport> => {
    if (report === undefined) {
      report = Promise.resolve().then(() => run(stream));
      report.catch((error) => stream.fail(error));
    }
    return report;
  };
  const results: AsyncIterable<BatchResult> = {
    [Symbol.asyncIterator]() {
      const iterator = stream.iterator();
      void start().catch(() => {});
      return iterator;
    },
  };
  const results$ = createSubscribable<BatchResult>((observer) => {
    const unsubscribe = stream.subscribe(observer);
    void start().catch(() => {});
    return unsubscribe;
  });
  const job: BatchJob = {
    results,
    results$,
    then(onFulfilled, onRejected) {
      return start().then(onFulfilled, onRejected);
    },
    catch(onRejected) {
      return start().catch(onRejected);
    },
    finally(onFinally) {
      return start().finally(onFinally);
    },
    [Symbol.toStringTag]: "BatchJob",
  };
  return job;
}
