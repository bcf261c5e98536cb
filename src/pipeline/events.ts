import type { Middleware } from "../types.ts";

/** Where `onTokenEvent` keeps its listeners in the client's shared state. */
export const TOKEN_EVENTS = "tokenEvents";
/** Where `onRequestEvent` keeps its listeners in the client's shared state. */
export const REQUEST_EVENTS = "requestEvents";
/** The shared-state slots that hold an event tap. */
export type EventSlotName = typeof TOKEN_EVENTS | typeof REQUEST_EVENTS;

/**
 * What a listener registry leaves in the client's shared state: its listeners, and the
 * stage that feeds them. The code that builds events comes with `onTokenEvent` /
 * `onRequestEvent`, not with the pipeline, so an app that never listens bundles none of it.
 */
export interface EventTap {
  readonly entries: { readonly size: number };
  readonly stage: Middleware;
}

/**
 * A pipeline stage that runs the registry's stage while it has listeners, and is one
 * property read and a size check otherwise. The registry is looked up per call because a
 * listener may be added after the pipeline was built (pipelines are cached per client).
 *
 * @example
 * const perCall = [eventTapStage(core, TOKEN_EVENTS), responseStage(schema)];
 */
export function eventTapStage(
  core: { readonly shared: { readonly [K in EventSlotName]?: EventTap } },
  key: EventSlotName,
): Middleware {
  const shared = core.shared;
  return (ctx, next) => {
    const tap: EventTap | undefined = shared[key];
    return tap === undefined || tap.entries.size === 0 ? next() : tap.stage(ctx, next);
  };
}
