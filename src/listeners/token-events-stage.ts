import type { ClientCore } from "../client.ts";
import type { Middleware, RequestContext } from "../types.ts";
import type { ApiToken } from "../schemas/api-token.ts";
import type { DeleteResult } from "../schemas/success.ts";
import { changedFields } from "./changed-fields.ts";
import { deepFreeze } from "./deep-freeze.ts";
import { redactToken } from "../scrub.ts";
import { emit, type Registry } from "./registry.ts";
import { createTokenCache, type TokenCache } from "./token-cache.ts";
import type { TokenEvent, TokenEventType } from "./token-event.ts";

/** The tokens the client's family has seen, sized by the `eventCache` option (default 1,000). */
export function tokenCacheOf(core: ClientCore): TokenCache {
  return core.shared.tokenCache ??= createTokenCache(core.eventCache);
}

/**
 * What the pipeline's token-events tap runs while someone listens: after a successful call
 * it turns `ctx.result` into token events, with `previous` from the client's token cache,
 * stamped with the client's clock.
 * It lives here, reached only through `onTokenEvent`, so an app that never listens does
 * not bundle it.
 *
 * @example
 * const registry = registryOf(core, TOKEN_EVENTS, (r) => tokenEventsTap(core, r));
 */
export function tokenEventsTap(core: ClientCore, registry: Registry<TokenEvent>): Middleware {
  return async (ctx, next) => {
    await next();
    const at = new Date(core.clock.now()).toISOString();
    const cache = tokenCacheOf(core);
    for (const event of tokenEventsOf(ctx, cache, at)) emit(registry, event);
  };
}

// What each action emits is its own declaration (`ctx.semantics.tokenEvent`): no list of
// action names here, and no branch that silently emits nothing for an action it forgot.
function tokenEventsOf(ctx: RequestContext, cache: TokenCache, at: string): TokenEvent[] {
  const declared = ctx.semantics.tokenEvent;
  switch (declared.type) {
    case "none":
      return [];
    case "deleted":
      return [deleted(ctx, cache, at)];
    default: {
      const tokens = declared.tokens === "items"
        ? (ctx.result as { items: readonly ApiToken[] }).items
        : [ctx.result as ApiToken];
      return tokens.map((token) => seen(declared.type, ctx, token, cache, at));
    }
  }
}

function deleted(ctx: RequestContext, cache: TokenCache, at: string): TokenEvent {
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
  return Object.freeze(event) as unknown as TokenEvent;
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
  // The cache is what later events call `previous`: it never keeps a created token's secret.
  cache.set(ctx.instanceId, apiTokenId, redactToken(token));
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
