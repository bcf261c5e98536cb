import { Observable } from "rxjs";
import type { BatchReport } from "./report.ts";
import type { BatchResult } from "./result.ts";
import { createResultStream, type ResultStream } from "./result-stream.ts";

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
  /** Every result, as an rxjs Observable; completes when the job ends. */
  readonly results$: Observable<BatchResult>;
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
  const results$ = new Observable<BatchResult>((subscriber) => {
    const unsubscribe = stream.subscribe({
      next: (result) => subscriber.next(result),
      complete: () => subscriber.complete(),
    });
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
