import type { BatchReport } from "./report.ts";
import type { BatchResult } from "./result.ts";
import { createResultStream, type ResultStream } from "./result-stream.ts";
import { createSubscribable, type Subscribable } from "./subscribable.ts";

/**
 * A running (or about-to-run) batch: await it for the report, iterate `results` or
 * subscribe to `results$` for each result as it happens.
 *
 * The job starts when first awaited or consumed, on the next microtask, so every consumer
 * attached in the same synchronous block sees every result. A consumer attached after the
 * job has started sees results from then on: attach the NDJSON writer before awaiting.
 * `results` iterators apply backpressure (a consumer far behind pauses the job);
 * `results$` subscribers are called synchronously and never pause it.
 */
export interface BatchJob extends PromiseLike<BatchReport> {
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
 * Wraps the engine into a lazy job.
 *
 * @example
 * const job = createJob((stream) => runBatch(client, items, operation, resolved, stream));
 */
export function createJob(run: (stream: ResultStream) => Promise<BatchReport>): BatchJob {
  const stream = createResultStream();
  let report: Promise<BatchReport> | undefined;
  const start = (): Promise<BatchReport> => {
    report ??= Promise.resolve().then(() => run(stream));
    return report;
  };
  const results: AsyncIterable<BatchResult> = {
    [Symbol.asyncIterator]() {
      const iterator = stream.iterator();
      void start();
      return iterator;
    },
  };
  const results$ = createSubscribable<BatchResult>((observer) => {
    const unsubscribe = stream.subscribe(observer);
    void start();
    return unsubscribe;
  });
  return {
    results,
    results$,
    then(onFulfilled, onRejected) {
      return start().then(onFulfilled, onRejected);
    },
  };
}
