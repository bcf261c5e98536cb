import type { RouteKind } from "./auth.ts";
import type { Limit } from "./rate-limit.ts";

/** Which requests a fault hits: one action or every action (`'*'`, the default). */
export type FaultAction = RouteKind | "*";

/** Which requests a fault hits, and how many of them; every fault has these fields. */
export interface FaultTarget {
  /** Only requests of this action (`get`, `patch`, ...); every action when omitted. */
  action?: FaultAction;
  /** Only requests for this instance; any instance when omitted. */
  instanceId?: string;
  /** How many matching requests the fault hits (default 1; `Infinity` allowed). */
  times?: number;
}

/** Answer with an error status instead of handling; nothing changes. */
export interface StatusFault extends FaultTarget {
  /** The status to answer, e.g. 429 or 503; the body is Losant's `{ type, message }` for it. */
  status: number;
  /** Seconds, or an HTTP-date string (or a Date) for the `Retry-After` header; any size. */
  retryAfter?: number | string | Date;
  /**
   * Losant's throttle body: type `TooManyRequestsError`, message "Over rate limit, request
   * throttled. Retry in N seconds" with N this value rounded down. No header unless
   * `retryAfter` is given too.
   */
  retryIn?: number;
  /** Replaces the default `{ type, message }` body. */
  body?: unknown;
}

/** Wait before handling. Combines with one other fault on the same request. */
export interface LatencyFault extends FaultTarget {
  /** How long to wait before handling, in ms. */
  latencyMs: number;
}

/** Handle (the change may apply), send status and headers, then wait before the body. */
export interface StallFault extends FaultTarget {
  /** How long to wait between the headers and the body, in ms. */
  stallAfterHeadersMs: number;
}

/** Handle (the change applies), send status and headers, then the body a few bytes at a time. */
export interface TrickleFault extends FaultTarget {
  /** How the body is sent. */
  trickle: {
    /** Bytes per piece (default 1). */
    bytes?: number;
    /** Pause before each piece, in ms. */
    everyMs: number;
  };
}

/** Destroy the connection before applying the change, or after applying it without answering. */
export interface ResetFault extends FaultTarget {
  /** `before`: nothing was applied; `after`: the change applied, and no answer says so. */
  reset: "before" | "after";
}

/**
 * An error body that repeats what it should not: the request's Authorization header, or the
 * secret of the token the request created (or names). Echoing the secret handles the request
 * first (a create applies: its token exists, but its secret only ever appeared in the error).
 */
export interface EchoFault extends FaultTarget {
  /** What the error body repeats: the Authorization header, the token's secret, or both. */
  echo: "authorization" | "secret" | "both";
  /** Status of the error (default 400 for `authorization`, 500 otherwise). */
  status?: number;
}

/** Answer a redirect instead of handling; nothing changes on this server. */
export interface RedirectFault extends FaultTarget {
  /** The redirect status to answer. */
  redirect: 301 | 302 | 303 | 307 | 308;
  /** The `Location`: a path on this server (another token's) or an absolute URL (another origin). */
  location: string;
}

/** Any fault `faults.add` accepts. */
export type FaultSpec =
  | StatusFault
  | LatencyFault
  | StallFault
  | TrickleFault
  | ResetFault
  | EchoFault
  | RedirectFault;

/**
 * Where a 429 tells the client how long to wait: a `Retry-After` header (seconds, rounded
 * up), Losant's message ("… Retry in N seconds", rounded down, no header), or both.
 */
export type RetryHint = "header" | "message" | "both";

/** A per-instance rate limit, as `faults.rateLimit` takes it. */
export interface RateLimitOptions extends Limit {
  /**
   * `fixed-window` (the default): `perSecond` requests per one-second window.
   * `gcra`: a steady rate with `burst` allowed at once, like Losant's published limiter.
   */
  kind?: "fixed-window" | "gcra";
  /** Limit only this instance; each instance gets its own allowance when omitted. */
  instanceId?: string;
  /** Default `header` for a fixed window, `message` (as Losant does) for GCRA. */
  retryHint?: RetryHint;
  /** A fixed `Retry-After` value instead of the computed one (header hints only). */
  retryAfter?: number | string | Date;
}

/** A live view of one installed fault. */
export interface FaultHandle {
  /** How many requests the fault has hit so far. */
  readonly used: number;
  /** How many more requests it will hit (0 once used up or removed). */
  readonly remaining: number;
  /** Uninstalls the fault; requests from now on are handled normally. */
  remove(): void;
}

/** A live view of a rate limit: `used` counts requests answered 429. */
export interface RateLimitHandle extends FaultHandle {
  /** Requests the limit let through. */
  readonly admitted: number;
  /** Changes the limit from the next request on (e.g. halve it mid-run, then restore it). */
  setLimit(limit: Limit): void;
}

/** Fault injection controls, as `server.faults`. */
export interface Faults {
  /**
   * Installs a fault. Latencies add up; of the other faults, the first one added that
   * matches a request takes it.
   */
  add(fault: FaultSpec): FaultHandle;
  /** Installs a rate limit, checked before any fault; a request over it is answered 429. */
  rateLimit(options: RateLimitOptions): RateLimitHandle;
  /** Removes every fault and rate limit. */
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
  trickle?: { bytes: number; everyMs: number };
  echo?: { authorization: boolean; secret: boolean; status: number };
}
