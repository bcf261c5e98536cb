import type { RouteKind } from "./auth.ts";

/** What the fake server saw and answered, one entry per HTTP request. */
export interface RequestLogEntry {
  /** 1-based sequence number, in arrival order. */
  id: number;
  /** The HTTP method, as received. */
  method: string;
  /** The path, without the query. */
  path: string;
  /** The query parameters, decoded. */
  query: Record<string, string>;
  /** All request headers, names lower-cased, values as received (authorization included: the log is test-only). */
  headers: Record<string, string>;
  /** Parsed JSON body, the raw text when it is not JSON, or undefined when empty. */
  body: unknown;
  /** Status sent; undefined while in flight or when the connection was reset. */
  status: number | undefined;
  /** `performance.timeOrigin + performance.now()` when the request arrived (ms). */
  startedAt: number;
  /** Same clock, when the response was fully written or the connection closed. */
  endedAt: number | undefined;
  /** The `x-request-id` header, when sent. */
  requestId: string | undefined;
  /** The instance the path names, when it names one. */
  instanceId: string | undefined;
  /** The `losantdomain` header, when sent. */
  losantDomain: string | undefined;
  /** Which route the request matched; undefined for an unknown route. */
  action: RouteKind | undefined;
  /**
   * Name of the fault applied (`status:503`, `reset:before`, `latency`, `stall`, `trickle`,
   * `echo:secret`, `redirect:302`, `rateLimit`), joined by `+`.
   */
  fault: string | undefined;
}

/**
 * A high-resolution wall-clock timestamp in milliseconds, comparable across the log.
 *
 * @example
 * ```ts
 * const t = preciseNow(); // e.g. 1732900000123.456
 * ```
 */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}

/** Options for {@link RequestLog.waitFor}. */
export interface WaitForOptions {
  /** Rejects the wait with the signal's reason when it aborts. */
  signal?: AbortSignal;
  /**
   * A guard against a test that would hang: rejects after this many ms of real time
   * (default 30 000). Not a speed assertion: a condition that holds resolves at once.
   */
  timeoutMs?: number;
}

/**
 * A condition over the log: return a value (the entry found, `true`, …) when it holds,
 * or `undefined`/`null`/`false` while it does not.
 */
export type LogCondition<T> = (entries: readonly RequestLogEntry[]) => T | undefined | null | false;

/** A live request log with ways to wait until nothing is in flight or a condition holds. */
export interface RequestLog {
  readonly entries: RequestLogEntry[];
  begin(
    fields: Omit<
      RequestLogEntry,
      "id" | "status" | "startedAt" | "endedAt" | "fault" | "action" | "instanceId"
    >,
  ): RequestLogEntry;
  end(entry: RequestLogEntry, status: number | undefined): void;
  clear(): void;
  idle(): Promise<void>;
  /**
   * Resolves with the condition's value once it holds. It is checked at once, then each time
   * a request arrives, is routed, is handled or ends, so a test waits on what the server saw
   * instead of polling with timers.
   */
  waitFor<T>(condition: LogCondition<T>, options?: WaitForOptions): Promise<T>;
  /** Rechecks pending conditions (the server calls it after a route changed the store). */
  changed(): void;
  /** Rejects every pending wait (the server is closing). */
  abandon(reason: Error): void;
}

interface Waiter {
  check(): void;
  reject(reason: unknown): void;
}

/**
 * Creates an empty request log.
 *
 * @example
 * ```ts
 * const log = createRequestLog();
 * const entry = log.begin({ method: 'GET', path: '/', query: {}, headers: {}, body: undefined, requestId: undefined, losantDomain: undefined });
 * log.end(entry, 200);
 * await log.idle();
 * ```
 */
export function createRequestLog(): RequestLog {
  const entries: RequestLogEntry[] = [];
  let sequence = 0;
  const inFlight = new Set<RequestLogEntry>();
  let waiters: Array<() => void> = [];
  const conditions = new Set<Waiter>();
  const changed = (): void => {
    for (const waiter of [...conditions]) waiter.check();
  };
  return {
    entries,
    begin(fields) {
      const entry: RequestLogEntry = {
        id: ++sequence,
        ...fields,
        status: undefined,
        startedAt: preciseNow(),
        endedAt: undefined,
        instanceId: undefined,
        action: undefined,
        fault: undefined,
      };
      entries.push(entry);
      inFlight.add(entry);
      changed();
      return entry;
    },
    end(entry, status) {
      if (entry.endedAt !== undefined) return;
      entry.endedAt = preciseNow();
      entry.status = status;
      inFlight.delete(entry);
      if (inFlight.size === 0) {
        const done = waiters;
        waiters = [];
        for (const resolve of done) resolve();
      }
      changed();
    },
    // Empties in place: `server.requests` is handed out once and must stay the same array.
    clear() {
      entries.length = 0;
    },
    idle() {
      if (inFlight.size === 0) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
    waitFor(condition, options = {}) {
      return new Promise((resolve, reject) => {
        const { signal, timeoutMs = 30_000 } = options;
        const done = (): void => {
          conditions.delete(waiter);
          clearTimeout(timer);
          signal?.removeEventListener("abort", onAbort);
        };
        const waiter: Waiter = {
          check() {
            let value;
            try {
              value = condition(entries);
            } catch (error) {
              done();
              reject(error);
              return;
            }
            if (value === undefined || value === null || value === false) return;
            done();
            resolve(value);
          },
          reject(reason) {
            done();
            reject(reason);
          },
        };
        const onAbort = (): void => waiter.reject(signal?.reason);
        const timer = setTimeout(
          () =>
            waiter.reject(
              new Error(
                `waitFor: the condition did not hold within ${timeoutMs} ms (${entries.length} requests logged)`,
              ),
            ),
          timeoutMs,
        );
        if (signal?.aborted) return waiter.reject(signal.reason);
        signal?.addEventListener("abort", onAbort);
        conditions.add(waiter);
        waiter.check();
      });
    },
    changed,
    abandon(reason) {
      for (const waiter of [...conditions]) waiter.reject(reason);
    },
  };
}
