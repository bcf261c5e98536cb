import type { ApiToken } from "../schemas/api-token.ts";

interface Base {
  readonly instanceId: string;
  /** ISO 8601, from the watch's clock. */
  readonly at: string;
}

interface AboutToken extends Base {
  readonly apiTokenId: string;
}

/** The first complete listing of an instance: from here on, differences are events. */
export interface BaselineEvent extends Base {
  readonly type: "baseline";
  readonly count: number;
}

/** A token that was not in the previous listing. */
export interface CreatedEvent extends AboutToken {
  readonly type: "created";
  readonly token: ApiToken;
}

/** A token whose fields (or `lastUpdated`) differ from the previous listing. */
export interface UpdatedEvent extends AboutToken {
  readonly type: "updated";
  readonly token: ApiToken;
  readonly previous: ApiToken;
  /** Fields that differ, `lastUpdated` and hypermedia left out (empty for a no-op write). */
  readonly changes: readonly string[];
}

/** A token missing from a complete, consistent listing (confirmed twice on multi-page listings). */
export interface DeletedEvent extends AboutToken {
  readonly type: "deleted";
  readonly previous: ApiToken;
}

/** A token whose expirationDate came within `expiringWithinMs`; once per token and date. */
export interface ExpiringEvent extends AboutToken {
  readonly type: "expiring";
  readonly token: ApiToken;
  readonly expirationDate: string;
  readonly expiresInMs: number;
}

/** A token whose expirationDate has passed; once per token and date. */
export interface ExpiredEvent extends AboutToken {
  readonly type: "expired";
  readonly token: ApiToken;
  readonly expirationDate: string;
}

/** A transient failure (network, timeout, 408, 429, 5xx); polling goes on after `retryInMs`. */
export interface PollErrorEvent extends Base {
  readonly type: "pollError";
  readonly error: unknown;
  readonly retryInMs: number;
}

/** Everything `watchTokens` emits; narrow it with `ofType`. */
export type WatchEvent =
  | BaselineEvent
  | CreatedEvent
  | UpdatedEvent
  | DeletedEvent
  | ExpiringEvent
  | ExpiredEvent
  | PollErrorEvent;

/** The `type` of a {@link WatchEvent}. */
export type WatchEventType = WatchEvent["type"];
