import type * as v from "valibot";
import { compose } from "./compose.ts";
import type { Middleware, RequestContext, Terminal } from "../types.ts";
import type { Clock } from "../clock.ts";
import {
  type EventSlotName,
  type EventTap,
  eventTapStage,
  REQUEST_EVENTS,
  TOKEN_EVENTS,
} from "./events.ts";
import { type HeaderOptions, headersStage } from "./headers.ts";
import { isPerCall } from "./placement.ts";
import { responseStage } from "./response.ts";
import type { OutcomeGuard } from "./outcome-guard.ts";
import { retryClock, runAttempts } from "./retry.ts";
import { timeoutStage } from "./timeout.ts";

/** Runs one call through the whole pipeline; the result is left in `ctx.result`. */
export type Runner = (ctx: RequestContext) => Promise<void>;

/**
 * What a pipeline is built from: the client's middleware and header options, and its
 * private parts. Named here, structurally, so the pipeline never imports the client.
 */
export interface PipelineConfig extends HeaderOptions {
  readonly middleware: readonly Middleware[];
}

/** The client's private parts the pipeline uses (see `ClientCore`). */
export interface PipelineCore {
  readonly transport: Terminal;
  /** The logging stages, when `withLogging` gave the client a logger that writes. */
  readonly logging?: LoggingStages;
  /** Every wait of the client: attempt timeouts, retry delays. */
  readonly clock: Clock;
  /** Where the listener registries live; read per call by the event taps. */
  readonly shared: { readonly [K in EventSlotName]?: EventTap };
}

/** The two logging stages `withLogging` makes (`pipeline/logging.ts`), placed here. */
export interface LoggingStages {
  /** Per call, outermost: retries at warn, the final failure at error. */
  readonly call: Middleware;
  /** Per attempt, just outside the headers stage: each attempt at debug. */
  readonly attempt: Middleware;
}

/**
 * The pipeline, in the one order that matters, outermost first:
 *
 *   per call:    logging → token events → response check → user per-call middleware → retry
 *   per attempt: user middleware → request events → logging → headers → timeout → transport
 *
 * Token events sit outside the response check so they see its validated `ctx.result`.
 *
 * Stages before the retry stage run once per call; those after it once per attempt and
 * see `ctx.attempt`. The retry stage is the seam between two composed chains, so each
 * chain keeps compose's `next()`-called-twice guard. `guard` is the action's outcome guard,
 * when its semantics need one (`ActionSpec.outcomeGuard`); the retry stage asks it.
 */
export function buildRunner(
  client: PipelineConfig,
  core: PipelineCore,
  resultSchema: v.GenericSchema,
  guard?: OutcomeGuard,
): Runner {
  const user = client.middleware;
  // Without a logger the logging stages are not in the pipeline, nor in the bundle: they
  // come with `withLogging`, which only apps that log import.
  const logging = core.logging;
  const perCall: Middleware[] = [
    ...(logging ? [logging.call] : []),
    eventTapStage(core, TOKEN_EVENTS),
    responseStage(resultSchema),
    ...user.filter(isPerCall),
  ];
  const perAttempt: Middleware[] = [
    ...user.filter((m) => !isPerCall(m)),
    eventTapStage(core, REQUEST_EVENTS),
    ...(logging ? [logging.attempt] : []),
    headersStage(client),
    timeoutStage(core.clock),
  ];
  const callChain = compose(perCall);
  const attemptChain = compose(perAttempt);
  const transport = core.transport;
  const attempt = (ctx: RequestContext) => () => attemptChain(ctx, transport);
  const clock = retryClock(core.clock);
  return (ctx) => callChain(ctx, (c) => runAttempts(c, attempt(c), clock, guard));
}
