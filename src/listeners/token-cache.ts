import type { ApiToken } from "../schemas/api-token.ts";

/**
 * The tokens a client has seen, most recent last, so an event can say what changed without
 * another request. A Map keeps insertion order: deleting and re-inserting a key makes it the
 * newest, and the first key is the least recently used.
 */
export interface TokenCache {
  /** The cached token, now the most recently used; undefined when unknown. */
  get(instanceId: string, apiTokenId: string): ApiToken | undefined;
  set(instanceId: string, apiTokenId: string, token: ApiToken): void;
  delete(instanceId: string, apiTokenId: string): void;
  readonly size: number;
}

// Ids are hex and the API treats them case-insensitively.
const keyOf = (instanceId: string, apiTokenId: string): string =>
  `${instanceId.toLowerCase()}/${apiTokenId.toLowerCase()}`;

/**
 * A small LRU of tokens; `capacity` 0 gives a cache that holds nothing.
 *
 * @example
 * const cache = createTokenCache(1000);
 * cache.set(instanceId, token.id, token);
 * cache.get(instanceId, token.id); // token
 */
export function createTokenCache(capacity: number): TokenCache {
  const entries = new Map<string, ApiToken>();
  return {
    get(instanceId, apiTokenId) {
      const key = keyOf(instanceId, apiTokenId);
      const token = entries.get(key);
      if (token !== undefined) {
        entries.delete(key);
        entries.set(key, token);
      }
      return token;
    },
    set(instanceId, apiTokenId, token) {
      if (capacity <= 0) return;
      const key = keyOf(instanceId, apiTokenId);
      entries.delete(key);
      entries.set(key, token);
      if (entries.size > capacity) entries.delete(entries.keys().next().value!);
    },
    delete(instanceId, apiTokenId) {
      entries.delete(keyOf(instanceId, apiTokenId));
    },
    get size() {
      return entries.size;
    },
  };
}
