import type { ClientCore } from "../client.ts";
import { LosantApiError, LosantResponseError } from "../errors.ts";
import { emit, requestRegistryOf, tokenRegistryOf } from "../listeners/registry.ts";
import type { RequestEvent } from "../listeners/request-event.ts";
import type { TokenCache } from "../listeners/token-cache.ts";
import type { TokenEvent, TokenEventType } from "../listeners/token-event.ts";
import type { ApiToken } from "../schemas/api-token.ts";
import type { ApiTokensPage } from "../schemas/api-tokens-page.ts";
import type { DeleteResult } from "../schemas/success.ts";
import type { Middleware, RequestContext } from "./context.ts";
import { tokenCacheOf } from "../listeners/registry.ts";

/**
 * The per-call stage behind `onTokenEvent`: after a successful call it turns `ctx.result`
 * into token events, with `previous` from the client's token cache. With no listener it is
 * one size check; the cache is filled only while someone listens.
 *
 * @example
 * const perCall = [tokenEventsStage(core), responseStage(schema)];
 */
export function tokenEventsStage(core: ClientCore): Middleware {
  const registry = tokenRegistryOf(core);
  return async (ctx, next) => {
    if (registry.entries.size === 0) return next();
    await next();
    const at = new Date().toISOString();
    const cache = tokenCacheOf(core);
    for (const event of tokenEventsOf(ctx, cache, at)) emit(registry, event);
  };
}

function tokenEventsOf(ctx: RequestContext, cache: TokenCache, at: string): TokenEvent[] {
  switch (ctx.action) {
    case "getToken":
      return [seen("fetched", ctx, ctx.result as ApiToken, cache, at)];
    case "patchToken":
      return [seen("updated", ctx, ctx.result as ApiToken, cache, at)];
    case "listTokensPage":
      return (ctx.result as ApiTokensPage).items.map((token) => seen("fetched", ctx, token, cache, at));
    case "deleteToken": {
      const apiTokenId = ctx.apiTokenId!;
      const previous = cache.get(ctx.instanceId, apiTokenId);
      cache.delete(ctx.instanceId, apiTokenId);
      const event: Record<string, unknown> = {
        type: "deleted",
        instanceId: ctx.instanceId,
        apiTokenId,
        callId: ctx.callId,
        at,
      };
      if (previous !== undefined) event.previous = previous;
      if ((ctx.result as DeleteResult | undefined)?.alreadyDeleted) event.alreadyDeleted = true;
      return [Object.freeze(event) as unknown as TokenEvent];
    }
    default:
      return [];
  }
}

function seen(
  type: TokenEventType,
  ctx: RequestContext,
  result: ApiToken,
  cache: TokenCache,
  at: string,
): TokenEvent {
  // One frozen copy serves the cache and every listener: the caller may mutate its result,
  // and a listener must not be able to change what the next event calls `previous`.
  const token = deepFreeze(structuredClone(result));
  const apiTokenId = ctx.apiTokenId ?? token.id;
  const previous = cache.get(ctx.instanceId, apiTokenId);
  cache.set(ctx.instanceId, apiTokenId, token);
  const event: Record<string, unknown> = {
    type,
    instanceId: ctx.instanceId,
    apiTokenId,
    token,
    callId: ctx.callId,
    at,
  };
  if (previous !== undefined) {
    event.previous = previous;
    event.changes = Object.freeze(changedFields(previous, token));
  } else if (type === "updated" && typeof ctx.body === "object" && ctx.body !== null) {
    event.changes = Object.freeze(Object.keys(ctx.body));
  }
  return Object.freeze(event) as unknown as TokenEvent;
}

/**
 * Names of the fields whose values differ. `lastUpdated` moves on every write and
 * `_links`/`_embedded`/`_type` describe the response rather than the token, so they would
 * only make every change look alike.
 *
 * @example
 * changedFields({ name: "a", status: "active" }, { name: "a", status: "inactive" }); // ["status"]
 */
export function changedFields(before: object, after: object): string[] {
  const a = before as Record<string, unknown>;
  const b = after as Record<string, unknown>;
  const changes: string[] = [];
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (key === "lastUpdated" || key.startsWith("_")) continue;
    if (!sameValue(a[key], b[key])) changes.push(key);
  }
  return changes;
}

function sameValue(x: unknown, y: unknown): boolean {
  if (x === y) return true;
  if (typeof x !== "object" || typeof y !== "object" || x === null || y === null) return false;
  if (Array.isArray(x) !== Array.isArray(y)) return false;
  const xs = x as Record<string, unknown>;
  const ys = y as Record<string, unknown>;
  const keys = Object.keys(xs);
  if (keys.length !== Object.keys(ys).length) return false;
  return keys.every((k) => Object.hasOwn(ys, k) && sameValue(xs[k], ys[k]));
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

// The failure of the previous attempt, for the `retry` event of the next one.
const lastFailure = new WeakMap<RequestContext, { status?: number; error: unknown }>();

function statusOf(error: unknown): number | undefined {
  if (error instanceof LosantApiError) return error.statusCode;
  if (error instanceof LosantResponseError) return error.statusCode;
  return undefined;
}

/**
 * The per-attempt stage behind `onRequestEvent`: `retry` (attempts after the first),
 * `request`, then `response` or `error` with the attempt's duration. One size check when
 * nobody listens.
 *
 * @example
 * const perAttempt = [...user, requestEventsStage(core), headersStage(client), timeoutStage];
 */
export function requestEventsStage(core: ClientCore): Middleware {
  const registry = requestRegistryOf(core);
  return async (ctx, next) => {
    if (registry.entries.size === 0) return next();
    const base = {
      action: ctx.action,
      method: ctx.method,
      path: ctx.path,
      instanceId: ctx.instanceId,
      apiTokenId: ctx.apiTokenId,
      attempt: ctx.attempt,
      callId: ctx.callId,
      requestId: `${ctx.callId}-${ctx.attempt}`,
    };
    const send = (type: RequestEvent["type"], more: Partial<RequestEvent> = {}): void =>
      emit(registry, Object.freeze({ type, ...base, ...more, at: new Date().toISOString() }));

    if (ctx.attempt > 1) send("retry", lastFailure.get(ctx) ?? {});
    send("request");
    const started = performance.now();
    try {
      await next();
    } catch (error) {
      const status = statusOf(error);
      lastFailure.set(ctx, { status, error });
      send("error", { status, error, durationMs: performance.now() - started });
      throw error;
    }
    send("response", { status: ctx.response?.status, durationMs: performance.now() - started });
  };
}
