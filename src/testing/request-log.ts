import type { RouteKind } from "./auth.ts";

/** What the fake server saw and answered, one entry per HTTP request. */
export interface RequestLogEntry {
  /** 1-based sequence number, in arrival order. */
  id: number;
  method: string;
  path: string;
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
  requestId: string | undefined;
  instanceId: string | undefined;
  losantDomain: string | undefined;
  action: RouteKind | undefined;
  /** Name of the fault applied (`status:503`, `reset:before`, `latency`, `stall`, `rateLimit`, joined by `+`). */
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

/** A live request log with a way to wait until nothing is in flight. */
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
    },
    // Empties in place: `server.requests` is handed out once and must stay the same array.
    clear() {
      entries.length = 0;
    },
    idle() {
      if (inFlight.size === 0) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
  };
}
