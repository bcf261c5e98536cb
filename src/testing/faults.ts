import type { RouteKind } from "./auth.ts";
import type {
  FaultHandle,
  FaultPlan,
  Faults,
  FaultSpec,
  RateLimitHandle,
  RateLimitOptions,
} from "./fault-types.ts";
import { errorBody } from "./http-errors.ts";
import { fixedWindowLimiter, gcraLimiter, type Limiter } from "./rate-limit.ts";

interface Installed {
  spec: FaultSpec;
  used: number;
  limit: number;
}

interface InstalledLimit {
  options: RateLimitOptions;
  limiter: Limiter;
  removed: boolean;
  admitted: number;
  /** Requests answered 429, reported as the handle's `used`. */
  rejected: number;
}

/** One request, as the planner sees it. */
export interface PlannedRequest {
  kind: RouteKind;
  instanceId: string | undefined;
  requestId: string | undefined;
}

function retryAfterHeader(value: number | string | Date): string {
  if (value instanceof Date) return value.toUTCString();
  return typeof value === "number" ? String(Math.max(0, Math.ceil(value))) : value;
}

/**
 * Losant's throttle body; the wait is whole seconds, rounded down as Losant rounds it.
 *
 * @example
 * ```ts
 * throttleBody(3.7).message; // 'Over rate limit, request throttled. Retry in 3 seconds'
 * ```
 */
export function throttleBody(seconds: number): { type: string; message: string } {
  const whole = Math.max(0, Math.floor(seconds));
  return {
    type: "TooManyRequestsError",
    message: `Over rate limit, request throttled. Retry in ${whole} seconds`,
  };
}

const sameId = (a: string | undefined, b: string | undefined): boolean =>
  a === undefined || (b !== undefined && a.toLowerCase() === b.toLowerCase());

function statusResponse(spec: Extract<FaultSpec, { status: number }>): FaultPlan["respond"] {
  const headers: Record<string, string> = {};
  if (spec.retryAfter !== undefined) headers["retry-after"] = retryAfterHeader(spec.retryAfter);
  const fallback = spec.retryIn === undefined ? errorBody(spec.status) : throttleBody(spec.retryIn);
  return { status: spec.status, headers, body: spec.body ?? fallback };
}

function redirectResponse(spec: Extract<FaultSpec, { redirect: number }>): FaultPlan["respond"] {
  return {
    status: spec.redirect,
    headers: { location: spec.location },
    body: { type: "Redirect", message: "Moved" },
  };
}

/**
 * Creates the fault controls and the planner the server consults on every request.
 * `now` drives the rate limits (inject a fake clock's `now` to step windows by hand).
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
  plan(request: PlannedRequest): FaultPlan;
} {
  let installed: Installed[] = [];
  let limits: InstalledLimit[] = [];
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
    rateLimit(options): RateLimitHandle {
      const make = options.kind === "gcra" ? gcraLimiter : fixedWindowLimiter;
      const limit: InstalledLimit = {
        options: { ...options },
        limiter: make(options, now),
        removed: false,
        admitted: 0,
        rejected: 0,
      };
      limits.push(limit);
      return {
        get used() {
          return limit.rejected;
        },
        get admitted() {
          return limit.admitted;
        },
        get remaining() {
          return limit.removed ? 0 : Infinity;
        },
        setLimit(next) {
          limit.limiter.setLimit(next);
        },
        remove() {
          limit.removed = true;
          limits = limits.filter((l) => l !== limit);
        },
      };
    },
    clear() {
      installed = [];
      for (const limit of limits) limit.removed = true;
      limits = [];
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
    for (const limit of limits) {
      if (!sameId(limit.options.instanceId, instanceId)) continue;
      const refused = limit.limiter.admit((instanceId ?? "*").toLowerCase());
      if (!refused) {
        limit.admitted++;
        continue;
      }
      limit.rejected++;
      const hint = limit.options.retryHint ??
        (limit.options.kind === "gcra" ? "message" : "header");
      const seconds = refused.retryInMs / 1000;
      const headers: Record<string, string> = {};
      if (hint !== "message") {
        headers["retry-after"] = retryAfterHeader(
          limit.options.retryAfter ?? Math.max(1, Math.ceil(seconds)),
        );
      }
      const body = hint === "header"
        ? errorBody(429, "Rate limit exceeded")
        : throttleBody(seconds);
      return { status: 429, headers, body };
    }
    return undefined;
  };

  const plan = ({ kind, instanceId, requestId }: PlannedRequest): FaultPlan => {
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
    if ("echo" in spec) {
      const secret = spec.echo !== "authorization";
      result.names.push(`echo:${spec.echo}`);
      result.echo = {
        authorization: spec.echo !== "secret",
        secret,
        status: spec.status ?? (secret ? 500 : 400),
      };
    } else if ("status" in spec) {
      result.names.push(`status:${spec.status}`);
      result.respond = statusResponse(spec);
    } else if ("redirect" in spec) {
      result.names.push(`redirect:${spec.redirect}`);
      result.respond = redirectResponse(spec);
    } else if ("reset" in spec) {
      result.names.push(`reset:${spec.reset}`);
      result.reset = spec.reset;
      if (requestId !== undefined) resetByRequestId.set(requestId, spec.reset);
    } else if ("stallAfterHeadersMs" in spec) {
      result.names.push("stall");
      result.stallMs = spec.stallAfterHeadersMs;
    } else if ("trickle" in spec) {
      result.names.push("trickle");
      result.trickle = {
        bytes: Math.max(1, spec.trickle.bytes ?? 1),
        everyMs: spec.trickle.everyMs,
      };
    }
    return result;
  };

  return { faults, plan };
}
