import type { Client } from "../client.ts";
import type { CallOptions } from "../actions/run-action.ts";
import type { ApiToken } from "../schemas/api-token.ts";
import type { BatchOutcome, BatchStarted } from "./result.ts";

/** An item that passed validation, ready to run. */
export interface ValidItem<P> {
  index: number;
  key: string;
  instanceId: string;
  apiTokenId: string;
  params: P;
  /** An earlier run's attempt on it had an unknown outcome. */
  resumeUnknown: boolean;
}

/** What a bulk action (deleteTokens, patchTokens, ...) plugs into the engine. */
export interface BatchOperation<P extends { instanceId: string; apiTokenId: string }> {
  /** Names the job in log records (`deleteTokens`). */
  readonly name: string;
  /** Parses one raw item; throws LosantValidationError. */
  validate(raw: unknown): P;
  /** The real call: the outcome, and the token when the server returned one. */
  run(
    client: Client,
    params: P,
    options: CallOptions,
  ): Promise<{ outcome: BatchOutcome; token?: ApiToken }>;
  /** Dry run: would the real call change this token? */
  wouldChange(token: ApiToken, params: P): boolean;
  /**
   * What a 404 means after an attempt whose outcome is unknown (this run's or an earlier
   * run's): that attempt did it (a delete: `alreadyDeleted`). Undefined: a 404 fails.
   */
  readonly notFoundAfterUnknown?: BatchOutcome;
  /** What the journal line written before the first mutating request records (the patch). */
  started?(params: P): Partial<Pick<BatchStarted, "apiToken">>;
}

/** Items from an array, any iterable or any async iterable. */
export type BatchInput<T> = Iterable<T> | AsyncIterable<T>;
