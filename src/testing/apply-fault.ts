import type { FaultPlan } from "./fault-types.ts";
import { errorBody } from "./http-errors.ts";
import type { Outcome } from "./outcome.ts";
import type { Handled } from "./routes.ts";
import type { ServerTimers } from "./timers.ts";

/** What fault application needs from the connection a request arrived on. */
export interface Exchange {
  /** Destroys the connection without an answer. */
  reset(): Response;
  /**
   * Sends status and headers at once, then each piece of the body after a pause; the
   * answer is complete only after the last piece.
   */
  sendSlowly(outcome: Outcome, pieces: Uint8Array[], pauseMs: number): Response;
}

/**
 * A JSON response.
 *
 * @example
 * ```ts
 * jsonResponse({ status: 200, body: { success: true } });
 * ```
 */
export function jsonResponse(outcome: Outcome): Response {
  return new Response(JSON.stringify(outcome.body), {
    status: outcome.status,
    headers: { "content-type": "application/json", ...outcome.headers },
  });
}

function split(bytes: Uint8Array, size: number): Uint8Array[] {
  const pieces: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) pieces.push(bytes.subarray(i, i + size));
  return pieces;
}

// A server that leaks: the message repeats the header and secrets verbatim, as a careless
// error handler that prints the request would.
function echoOutcome(
  echo: NonNullable<FaultPlan["echo"]>,
  authorization: string | undefined,
  secret: string | undefined,
): Outcome {
  const parts = ["Request failed"];
  if (echo.authorization) parts.push(`(Authorization: ${authorization ?? ""})`);
  if (echo.secret && secret !== undefined) parts.push(`while saving token ${secret}`);
  const body = errorBody(echo.status, parts.join(" "));
  return { status: echo.status, body };
}

/**
 * Carries out a fault plan around the route: waits, answers instead of it, drops the
 * connection before or after it, or shapes how its answer is sent.
 *
 * @example
 * ```ts
 * const response = await applyFault(plan, exchange, timers, () => handleRequest(...), header);
 * ```
 */
export async function applyFault(
  plan: FaultPlan,
  exchange: Exchange,
  timers: ServerTimers,
  handle: () => Handled,
  authorization: string | undefined,
): Promise<Response> {
  if (plan.latencyMs > 0) await timers.wait(plan.latencyMs);
  if (plan.respond) return jsonResponse(plan.respond);
  if (plan.reset === "before" || plan.resend) return exchange.reset();
  if (plan.echo && !plan.echo.secret) {
    return jsonResponse(echoOutcome(plan.echo, authorization, undefined));
  }
  const handled = handle();
  if (plan.reset === "after") return exchange.reset();
  if (plan.echo) return jsonResponse(echoOutcome(plan.echo, authorization, handled.secret));
  const outcome = handled.outcome;
  const payload = new TextEncoder().encode(JSON.stringify(outcome.body));
  if (plan.stallMs !== undefined) return exchange.sendSlowly(outcome, [payload], plan.stallMs);
  if (plan.trickle) {
    return exchange.sendSlowly(outcome, split(payload, plan.trickle.bytes), plan.trickle.everyMs);
  }
  return jsonResponse(outcome);
}
