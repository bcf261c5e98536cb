import { objectId, tokenSecret } from "./ids.ts";
import type { FakeInstance, FakeToken, NewToken, StoreSnapshot, TokenChanges } from "./types.ts";

interface InstanceState {
  instance: FakeInstance;
  tokens: Map<string, FakeToken>;
}

/** The in-memory state of a fake Losant server. Every getter returns copies. */
export interface FakeStore {
  /** Adds an instance; omitted fields get fresh ids and defaults. */
  createInstance(options?: Partial<FakeInstance>): FakeInstance;
  /** The instance (id compared case-insensitively), or undefined. */
  getInstance(instanceId: string): FakeInstance | undefined;
  /** Every instance, hidden ones included, in creation order. */
  listInstances(): FakeInstance[];
  /** The instance's tokens in creation order; empty for an unknown instance. */
  listTokens(instanceId: string): FakeToken[];
  /** One token, or undefined when it or its instance is unknown. */
  getToken(instanceId: string, tokenId: string): FakeToken | undefined;
  /** Stores a token with defaults for omitted fields; throws for an unknown instance. */
  createToken(instanceId: string, token?: NewToken): FakeToken;
  /** Applies `changes` and moves `lastUpdated`; undefined when the token is unknown. */
  updateToken(instanceId: string, tokenId: string, changes: TokenChanges): FakeToken | undefined;
  /** Removes a token; false when there was none. Its secret stops working at once. */
  deleteToken(instanceId: string, tokenId: string): boolean;
  /** Resolves a bearer secret to the token holding it and its instance. */
  findBySecret(secret: string): { instance: FakeInstance; token: FakeToken } | undefined;
  /** A deep copy of everything, for before/after comparisons. */
  snapshot(): StoreSnapshot;
}

// A hand-written deep copy: structuredClone was the slowest part of seeding large stores.
function copyToken(token: FakeToken): FakeToken {
  const copy = { ...token, scope: [...token.scope] };
  if (token.orgRoles) copy.orgRoles = structuredClone(token.orgRoles);
  return copy;
}

/**
 * Creates an empty store.
 *
 * @example
 * ```ts
 * const store = createStore();
 * const instance = store.createInstance();
 * const token = store.createToken(instance.id, { name: 'ci-reader', scope: ['all.Instance.read'] });
 * store.updateToken(instance.id, token.id, { status: 'inactive' });
 * ```
 */
export function createStore(): FakeStore {
  const instances = new Map<string, InstanceState>();
  const bySecret = new Map<string, { instanceId: string; tokenId: string }>();

  // lastUpdated must move forward on every change, even two changes within one millisecond,
  // so tests (and clients doing optimistic checks) can tell that something changed.
  const bump = (previous: string): string => {
    const next = Math.max(Date.now(), Date.parse(previous) + 1);
    return new Date(next).toISOString();
  };

  const state = (instanceId: string): InstanceState | undefined =>
    instances.get(instanceId.toLowerCase());

  const store: FakeStore = {
    createInstance(options = {}) {
      const instance: FakeInstance = {
        id: options.id ?? objectId(),
        ownerId: options.ownerId ?? objectId(),
        ownerName: options.ownerName ?? "Fake Owner",
        hidden: options.hidden ?? false,
      };
      instances.set(instance.id.toLowerCase(), { instance, tokens: new Map() });
      return { ...instance };
    },
    getInstance(instanceId) {
      const found = state(instanceId);
      return found ? { ...found.instance } : undefined;
    },
    listInstances() {
      return [...instances.values()].map((s) => ({ ...s.instance }));
    },
    listTokens(instanceId) {
      const found = state(instanceId);
      return found ? [...found.tokens.values()].map(copyToken) : [];
    },
    getToken(instanceId, tokenId) {
      const token = state(instanceId)?.tokens.get(tokenId.toLowerCase());
      return token ? copyToken(token) : undefined;
    },
    createToken(instanceId, fields = {}) {
      const found = state(instanceId);
      if (!found) throw new Error(`Unknown instance ${instanceId}`);
      const id = fields.id ?? objectId();
      const now = new Date().toISOString();
      const token: FakeToken = {
        id,
        apiTokenId: id,
        ownerId: fields.ownerId ?? found.instance.ownerId,
        ownerType: fields.ownerType ?? "user",
        creatorId: fields.creatorId ?? found.instance.ownerId,
        creatorType: fields.creatorType ?? "user",
        creatorName: fields.creatorName ?? found.instance.ownerName,
        name: fields.name ?? `token-${id.slice(-6)}`,
        creationDate: fields.creationDate ?? now,
        lastUpdated: fields.lastUpdated ?? fields.creationDate ?? now,
        defaultRole: fields.defaultRole ?? "none",
        scope: [...(fields.scope ?? [])],
        status: fields.status ?? "active",
        token: fields.token ?? tokenSecret(id),
      };
      if (fields.description !== undefined) token.description = fields.description;
      if (fields.expirationDate !== undefined) token.expirationDate = fields.expirationDate;
      if (fields.orgRoles !== undefined) token.orgRoles = structuredClone(fields.orgRoles);
      found.tokens.set(id.toLowerCase(), token);
      bySecret.set(token.token, { instanceId: found.instance.id, tokenId: id });
      return copyToken(token);
    },
    updateToken(instanceId, tokenId, changes) {
      const token = state(instanceId)?.tokens.get(tokenId.toLowerCase());
      if (!token) return undefined;
      const previousSecret = token.token;
      for (const [key, value] of Object.entries(structuredClone(changes))) {
        if (value === undefined) delete (token as unknown as Record<string, unknown>)[key];
        else (token as unknown as Record<string, unknown>)[key] = value;
      }
      if (token.token !== previousSecret) {
        bySecret.delete(previousSecret);
        bySecret.set(token.token, {
          instanceId: state(instanceId)!.instance.id,
          tokenId: token.id,
        });
      }
      token.lastUpdated = changes.lastUpdated ?? bump(token.lastUpdated);
      return copyToken(token);
    },
    deleteToken(instanceId, tokenId) {
      const found = state(instanceId);
      const token = found?.tokens.get(tokenId.toLowerCase());
      if (!found || !token) return false;
      found.tokens.delete(tokenId.toLowerCase());
      bySecret.delete(token.token);
      return true;
    },
    findBySecret(secret) {
      const ref = bySecret.get(secret);
      if (!ref) return undefined;
      const found = state(ref.instanceId);
      const token = found?.tokens.get(ref.tokenId.toLowerCase());
      return found && token
        ? { instance: { ...found.instance }, token: copyToken(token) }
        : undefined;
    },
    snapshot() {
      return {
        instances: [...instances.values()].map((s) => ({
          ...s.instance,
          tokens: [...s.tokens.values()].map(copyToken),
        })),
      };
    },
  };
  return store;
}
