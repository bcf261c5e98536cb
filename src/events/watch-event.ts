import type { ApiToken } from "../schemas/api-token.ts";

/** The fields every {@link WatchEvent} has. */
export interface WatchEventBase {
  /** The watched instance the event is about. */
  readonly instanceId: string;
  /** ISO 8601, from the watch's clock. */
  readonly at: string;
}

/** The fields of every {@link WatchEvent} about one token. */
export interface WatchTokenEventBase extends WatchEventBase {
  /** The token the event is about. */
  readonly apiTokenId: string;
}

/** The first complete listing of an instance: from here on, differences are events. */
export interface BaselineEvent extends WatchEventBase {
  /** Always `"baseline"`: switch on `type` to narrow a {@link WatchEvent}. */
  readonly type: "baseline";
  /** How many tokens the baseline listing held. */
  readonly count: number;
}

/** A token that was not in the previous listing. */
export interface CreatedEvent extends WatchTokenEventBase {
  /** Always `"created"`: switch on `type` to narrow a {@link WatchEvent}. */
  readonly type: "created";
  /** The new token as the listing shows it. */
  readonly token: ApiToken;
}

/** A token whose fields (or `lastUpdated`) differ from the previous listing. */
export interface UpdatedEvent extends WatchTokenEventBase {
  /** Always `"updated"`: switch on `type` to narrow a {@link WatchEvent}. */
  readonly type: "updated";
  /** The token as this listing shows it. */
  readonly token: ApiToken;
  /** The token as the previous listing showed it. */
  readonly previous: ApiToken;
  /** Fields that differ, `lastUpdated` and hypermedia left out (empty for a no-op write). */
  readonly changes: readonly string[];
}

/** A token missing from a complete, consistent listing (confirmed twice on multi-page listings). */
export interface DeletedEvent extends WatchTokenEventBase {
  /** Always `"deleted"`: switch on `type` to narrow a {@link WatchEvent}. */
  readonly type: "deleted";
  /** The token as the last listing that had it showed it. */
  readonly previous: ApiToken;
}

/** A token whose expirationDate came within `expiringWithinMs`; once per token and date. */
export interface ExpiringEvent extends WatchTokenEventBase {
  /** Always `"expiring"`: switch on `type` to narrow a {@link WatchEvent}. */
  readonly type: "expiring";
  /** The token as the listing that noticed it showed it. */
  readonly token: ApiToken;
  /** The token's expirationDate (ISO 8601), the date this event is emitted once for. */
  readonly expirationDate: string;
  /** Milliseconds from the watch's clock to the expiration date, at most `expiringWithinMs`. */
  readonly expiresInMs: number;
}

/** A token whose expirationDate has passed; once per token and date. */
export interface ExpiredEvent extends WatchTokenEventBase {
  /** Always `"expired"`: switch on `type` to narrow a {@link WatchEvent}. */
  readonly type: "expired";
  /** The token as the listing that noticed it showed it. */
  readonly token: ApiToken;
  /** The token's expirationDate (ISO 8601), now in the past. */
  readonly expirationDate: string;
}

/** A transient failure (network, timeout, 408, 429, 5xx); polling goes on after `retryInMs`. */
export interface PollErrorEvent extends WatchEventBase {
  /** Always `"pollError"`: switch on `type` to narrow a {@link WatchEvent}. */
  readonly type: "pollError";
  /**
   * What the failed poll threw, usually a LosantError. Only transient failures become
   * events; any other error ends the watch's Observable with that error.
   */
  readonly error: unknown;
  /**
   * Milliseconds until the next poll: `intervalMs` doubled per consecutive failure, capped
   * at `maxBackoffMs`, or later when the server named a moment (`Retry-After`).
   */
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
