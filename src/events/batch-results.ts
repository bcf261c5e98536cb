import { Observable } from "rxjs";
import type { BatchJob } from "../batch/job.ts";
import type { BatchResult } from "../batch/result.ts";

/**
 * A batch job's results as an rxjs Observable, for the operators (`filter`, `bufferTime`...).
 * `job.results$` itself is a plain subscribable, so that `losant-tokens/batch` needs no rxjs;
 * this is the typed bridge (rxjs' `from(job.results$)` does the same without the types).
 * Subscribers are called as each result happens and never pause the job.
 *
 * @example
 * import { batchResults } from "losant-tokens/events";
 * batchResults(job).pipe(filter((r) => r.status === "failed")).subscribe(alert);
 */
export function batchResults(job: BatchJob): Observable<BatchResult> {
  return new Observable<BatchResult>((subscriber) => {
    const subscription = job.results$.subscribe({
      next: (result) => subscriber.next(result),
      complete: () => subscriber.complete(),
      error: (error) => subscriber.error(error),
    });
    return () => subscription.unsubscribe();
  });
}
