import type { RouteKind } from "./auth.ts";
import { errorBody } from "./http-errors.ts";

/** Which requests a fault hits: one action or every action (`'*'`, the default). */
export type FaultAction = RouteKind | "*";

interface FaultTarget {
  action?: FaultAction;
  /** Only requests for this instance; any instance when omitted. */
  instanceId?: string;
  /** How many matching requests the fault hits (default 1; `Infinity` allowed). */
  times?: number;
}

/** Answer with an error status instead of handling; nothing changes. */
export interface StatusFault extends FaultTarget {
  status: number;
  /** Seconds, or an HTTP-date string (or a Date) for the `Retry-After` header. */
  retryAfter?: number | string | Date;
  /** Replaces the default `{ type, message }` body. */
  body?: unknown;
}

/** Wait before handling. Combines with one other fault on the same request. */
export interface LatencyFault extends FaultTarget {
  latencyMs: number;
}

/** Handle (the change may apply), send status and headers, then wait before the body. */
export interface StallFault extends FaultTarget {
  stallAfterHeadersMs: number;
}

/** Destroy the connection before applying the change, or after applying it without answering. */
export interface ResetFault extends FaultTarget {
  reset: "before" | "after";
}

/** Any fault `faults.add` accepts. */
export type FaultSpec = StatusFault | LatencyFault | StallFault | ResetFault;

/** A fixed one-second window per instance. */
export interface RateLimitOptions {
  /** Limit only this instance; each instance gets its own window when omitted. */
  instanceId?: string;
  perSecond: number;
  /** Fixed `Retry-After` value; by default the seconds until the window ends (at least 1). */
  retryAfter?: number | string | Date;
}

/** A live view of one installed fault. */
export interface FaultHandle {
  readonly used: number;
  readonly remaining: number;
  remove(): void;
}

/** Fault injection controls, as `server.faults`. */
export interface Faults {
  add(fault: FaultSpec): FaultHandle;
  rateLimit(options: RateLimitOptions): FaultHandle;
  clear(): void;
}

/** What the server must do to one request, decided before it is handled. */
export interface FaultPlan {
  names: string[];
  latencyMs: number;
  respond?: { status: number; headers: Record<string, string>; body: unknown };
  reset?: "before" | "after";
  /** True when this request repeats the x-request-id of a request already reset. */
  resend?: boolean;
  stallMs?: number;
}

interface Installed {
  spec: FaultSpec;
  used: number;
  limit: number;
}

interface Limiter {
  options: RateLimitOptions;
  windows: Map<string, { start: number; count: number }>;
  removed: boolean;
  /** Requests answered 429, reported as the handle's `used`. */
  rejected: number;
}

function retryAfterHeader(value: number | string | Date): string {
  if (value instanceof Date) return value.toUTCString();
  return typeof value === "number" ? String(Math.max(0, Math.ceil(value))) : value;
}

const sameId = (a: string | undefined, b: string | undefined): boolean =>
  a === undefined || (b !== undefined && a.toLowerCase() === b.toLowerCase());

/**
 * Creates the fault controls and the planner the server consults on every request.
 *
 * @example
 * ```ts
 * const { faults, plan } = createFaults();
 * faults.add({ action: 'patch', status: 503, retryAfter: 2 });
 * plan({ kind: 'patch', instanceId: undefined, requestId: undefined }).respond?.status; // 503
 * ```
 */
export function createFaults(now: () => number = Date.now): {
  faults: Faults;
  plan(
    request: { kind: RouteKind; instanceId: string | undefined; requestId: string | undefined },
  ): FaultPlan;
} {
  let installed: Installed[] = [];
  let limiters: Limiter[] = [];
  // Deno's and Bun's fetch silently resend a request once when a reused keep-alive
  // connection closes early; the resend carries the same x-request-id and must be reset too.
  const resetByRequestId = new Map<string, "before" | "after">();

  const handle = (fault: Installed): FaultHandle => ({
    get used() {
      return fault.used;
    },
    get remaining() {
      return Math.max(0, fault.limit - fault.used);
    },
    remove() {
      installed = installed.filter((f) => f !== fault);
    },
  });

  const faults: Faults = {
    add(spec) {
      const fault: Installed = { spec: { ...spec }, used: 0, limit: spec.times ?? 1 };
      installed.push(fault);
      return handle(fault);
    },
    rateLimit(options) {
      const limiter: Limiter = {
        options: { ...options },
        windows: new Map(),
        removed: false,
        rejected: 0,
      };
      limiters.push(limiter);
      return {
        get used() {
          return limiter.rejected;
        },
        get remaining() {
          return limiter.removed ? 0 : Infinity;
        },
        remove() {
          limiter.removed = true;
          limiters = limiters.filter((l) => l !== limiter);
        },
      };
    },
    clear() {
      installed = [];
      for (const limiter of limiters) limiter.removed = true;
      limiters = [];
      resetByRequestId.clear();
    },
  };

  const matches = (spec: FaultSpec, kind: RouteKind, instanceId: string | undefined): boolean =>
    (spec.action === undefined || spec.action === "*" || spec.action === kind) &&
    sameId(spec.instanceId, instanceId);

  const take = (fault: Installed): void => {
    fault.used++;
    if (fault.used >= fault.limit) installed = installed.filter((f) => f !== fault);
  };

  const overLimit = (instanceId: string | undefined): FaultPlan["respond"] | undefined => {
    for (const limiter of limiters) {
      if (!sameId(limiter.options.instanceId, instanceId)) continue;
      const key = (instanceId ?? "*").toLowerCase();
      const t = now();
      let window = limiter.windows.get(key);
      if (!window || t - window.start >= 1000) {
        window = { start: t, count: 0 };
        limiter.windows.set(key, window);
      }
      window.count++;
      if (window.count > limiter.options.perSecond) {
        limiter.rejected++;
        const retryAfter = limiter.options.retryAfter ??
          Math.max(1, Math.ceil((window.start + 1000 - t) / 1000));
        return {
          status: 429,
          headers: { "retry-after": retryAfterHeader(retryAfter) },
          body: errorBody(429, "Rate limit exceeded"),
        };
      }
    }
    return undefined;
  };

  const plan = (
    { kind, instanceId, requestId }: {
      kind: RouteKind;
      instanceId: string | undefined;
      requestId: string | undefined;
    },
  ): FaultPlan => {
    const result: FaultPlan = { names: [], latencyMs: 0 };
    const earlierReset = requestId === undefined ? undefined : resetByRequestId.get(requestId);
    if (earlierReset) {
      // A resend: reset it the same way, without consuming another use of the fault.
      return { ...result, names: [`reset:${earlierReset}`], reset: earlierReset, resend: true };
    }
    const limited = overLimit(instanceId);
    if (limited) return { ...result, names: ["rateLimit"], respond: limited };

    for (const fault of [...installed]) {
      if (!("latencyMs" in fault.spec) || !matches(fault.spec, kind, instanceId)) continue;
      result.latencyMs += fault.spec.latencyMs;
      if (!result.names.includes("latency")) result.names.push("latency");
      take(fault);
    }
    const terminal = installed.find((f) =>
      !("latencyMs" in f.spec) && matches(f.spec, kind, instanceId)
    );
    if (!terminal) return result;
    take(terminal);
    const spec = terminal.spec;
    if ("status" in spec) {
      const headers: Record<string, string> = {};
      if (spec.retryAfter !== undefined) headers["retry-after"] = retryAfterHeader(spec.retryAfter);
      result.names.push(`status:${spec.status}`);
      result.respond = { status: spec.status, headers, body: spec.body ?? errorBody(spec.status) };
    } else if ("reset" in spec) {
      result.names.push(`reset:${spec.reset}`);
      result.reset = spec.reset;
      if (requestId !== undefined) resetByRequestId.set(requestId, spec.reset);
    } else if ("stallAfterHeadersMs" in spec) {
      result.names.push("stall");
      result.stallMs = spec.stallAfterHeadersMs;
    }
    return result;
  };

  return { faults, plan };
}
