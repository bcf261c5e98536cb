/**
 * losant-tokens/events: token and request events as RxJS Observables, and `watchTokens`,
 * which polls instances and emits what changed. The only entry point that imports rxjs.
 *
 * @example
 * import { ofType, tokenEvents, watchTokens } from "losant-tokens/events";
 * tokenEvents(client).pipe(ofType("updated")).subscribe((e) => audit(e.apiTokenId, e.changes));
 *
 * @module
 */
export { requestEvents, tokenEvents, type TokenEventsOptions } from "./streams.ts";
export { watchTokens, type WatchTokensOptions } from "./watch-tokens.ts";
export { forInstance, forToken, type OfType, ofType } from "./operators.ts";
export { batchResults } from "./batch-results.ts";
export type {
  BaselineEvent,
  CreatedEvent,
  DeletedEvent,
  ExpiredEvent,
  ExpiringEvent,
  PollErrorEvent,
  UpdatedEvent,
  WatchEvent,
  WatchEventBase,
  WatchEventType,
  WatchTokenEventBase,
} from "./watch-event.ts";
export type { RequestEvent, RequestEventType } from "../listeners/request-event.ts";
export type { TokenEvent, TokenEventType } from "../listeners/token-event.ts";
export { REDACTED } from "../scrub.ts";
