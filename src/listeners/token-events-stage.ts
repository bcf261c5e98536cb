import type { ClientCore } from "../client.ts";
import type { Middleware, RequestContext } from "../pipeline/context.ts";
import type { ApiToken } from "../schemas/api-token.ts";
import type { ApiTokensPage } from "../schemas/api-tokens-page.ts";
import type { DeleteResult } from "../schemas/success.ts";
import { changedFields } from "./changed-fields.ts";
import { deepFreeze } from "./deep-freeze.ts";
import { emit, type Registry } from "./registry.ts";
import { createTokenCache, type TokenCache } from "./token-cache.ts";
import type { TokenEvent, TokenEventType } from "./token-event.ts";

/** The tokens the client's family has seen, sized by the `eventCache` option (default 1,000). */
export function tokenCacheOf(core: ClientCore): TokenCache {
  return core.shared.tokenCache ??= createTokenCache(core.eventCache);
}

/**
 * What the pipeline's token-events tap runs while someone listens: after a successful call
 * it turns `ctx.result` into token events, with `previous` from the client's token cache.
 * It lives here, reached only through `onTokenEvent`, so an app that never listens does
 * not bundle it.
 *
 * @example
 * const registry = registryOf(core, TOKEN_EVENTS, (r) => tokenEventsTap(core, r));
 */
export function tokenEventsTap(core: ClientCore, registry: Registry<TokenEvent>): Middleware {
  return async (ctx, next) => {
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
      return (ctx.result as ApiTokensPage).items.map((token) =>
        seen("fetched", ctx, token, cache, at)
      );
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
