import { createApp } from "./app.ts";
import type { Faults } from "./fault-types.ts";
import { createFaults } from "./faults.ts";
import { listen } from "./listen.ts";
import {
  createRequestLog,
  type LogCondition,
  type RequestLogEntry,
  type WaitForOptions,
} from "./request-log.ts";
import type { ApiSettings } from "./routes.ts";
import { type SeedOptions, seedStore } from "./seed.ts";
import { StartFakeLosantOptionsSchema } from "../schemas/server-options.ts";
import { parseParams } from "../validate.ts";
import { createStore, type FakeStore } from "./store.ts";
import { createTimers } from "./timers.ts";

/** The one part of a clock the server reads (a full `Clock` fits). */
export interface ServerClock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** Options for {@link startFakeLosant}. Unknown keys are refused. */
export interface StartFakeLosantOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to listen on (default 127.0.0.1). */
  hostname?: string;
  /** Fake data to create, or `false` for an empty store (default 2 instances × 20 tokens). */
  seed?: SeedOptions | false;
  /**
   * The API version this server is (default `1.32.0`, newer than any range this library or
   * the official client asks for by default). An `Accept-Version` range it does not
   * satisfy gets 400 VersionNotAllowed; below 1.30.0, a patch or create carrying `defaultRole`
   * or `orgRoles` gets 400 Validation, as an older install's strict schema answers.
   */
  apiVersion?: string;
  /** A page-size cap: a list page holds at most this many items, whatever `perPage` asked. */
  maxPerPage?: number;
  /** Drives the rate limits (default `Date`); give a fake clock to step them by hand. */
  clock?: ServerClock;
}

/** Options for {@link FakeLosant.issueAccessToken}. */
export interface IssueAccessTokenOptions {
  /** Confine the access token to this instance; when omitted it may act on every instance. */
  instanceId?: string;
  /** The token's name (default `test-access-token`). */
  name?: string;
  /** Default `active`; `inactive` mints a token the server refuses with 401. */
  status?: "active" | "inactive";
  /** ISO 8601; once past, the server refuses the token with 401. */
  expirationDate?: string;
}

/** An access token minted for tests; `token` is the bearer secret. */
export interface IssuedAccessToken {
  /** The bearer secret, for `createClient({ accessToken })`. */
  token: string;
  /** The token's id in the store. */
  apiTokenId: string;
  /** The instance that holds it (the hidden admin instance when none was named). */
  instanceId: string;
}

/** A running fake Losant API. */
export interface FakeLosant {
  /** Base URL, e.g. `http://127.0.0.1:54321` (no trailing slash). */
  readonly url: string;
  /** The port the server listens on. */
  readonly port: number;
  /** The server's data: read it to check what a call did, change it to set a scene. */
  readonly store: FakeStore;
  /** Live request log (the same array for the server's whole life). */
  readonly requests: RequestLogEntry[];
  /** Fault injection: error statuses, latency, resets, rate limits. */
  readonly faults: Faults;
  /** Ids of the seeded (and not hidden) instances. */
  readonly instanceIds: string[];
  /** The hidden instance that holds access tokens issued without an instanceId. */
  readonly adminInstanceId: string;
  /** Empties `requests` (the array is kept). */
  clearRequests(): void;
  /** Resolves once every logged request has finished (response written or connection closed). */
  idle(): Promise<void>;
  /**
   * Resolves with the condition's value once it holds over the request log: checked at once,
   * then whenever a request arrives, is routed, is handled (the store may have changed) or
   * ends. Rejects when the server closes, `signal` aborts or `timeoutMs` (default 30 s of real
   * time, a guard against a hanging test) passes. Use it instead of polling with timers.
   *
   * @example
   * ```ts
   * const throttled = await server.waitFor((log) => log.find((r) => r.status === 429));
   * await server.waitFor((log) => log.filter((r) => r.method === "DELETE").length >= 3);
   * await server.waitFor(() => server.store.getToken(instanceId, tokenId) === undefined);
   * ```
   */
  waitFor<T>(condition: LogCondition<T>, options?: WaitForOptions): Promise<T>;
  /**
   * Mints a bearer token that is a real token in the store, so deleting or deactivating
   * it through the store (or the API) revokes it.
   *
   * @example
   * ```ts
   * const { token } = server.issueAccessToken(['instanceApiToken.get'], { instanceId: server.instanceIds[0] });
   * ```
   */
  issueAccessToken(scopes: string[], options?: IssueAccessTokenOptions): IssuedAccessToken;
  /**
   * Stops listening and destroys every open socket and pending fault timer, so the process can exit.
   *
   * @example
   * ```ts
   * await server.close();
   * ```
   */
  close(): Promise<void>;
}

/**
 * Starts a Losant-compatible API server for the instance token routes on a real socket.
 * Options are validated: an unknown key is refused with a LosantValidationError.
 *
 * @example
 * ```ts
 * const server = await startFakeLosant({ seed: { instances: 1, tokensPerInstance: 5 } });
 * const { token } = server.issueAccessToken(['all.Instance']);
 * const res = await fetch(`${server.url}/instances/${server.instanceIds[0]}/tokens`, {
 *   headers: { authorization: `Bearer ${token}` },
 * });
 * await server.close();
 * ```
 */
export async function startFakeLosant(options: StartFakeLosantOptions = {}): Promise<FakeLosant> {
  parseParams(StartFakeLosantOptionsSchema, options, "startFakeLosant", "options");
  const store = createStore();
  const instanceIds = options.seed === false ? [] : seedStore(store, options.seed ?? {});
  const admin = store.createInstance({ hidden: true, ownerName: "Fake Losant Admin" });
  const log = createRequestLog();
  const clock = options.clock;
  const { faults, plan } = createFaults(clock ? () => clock.now() : Date.now);
  const timers = createTimers();
  const settings: ApiSettings = {
    apiVersion: options.apiVersion ?? "1.32.0",
    maxPerPage: options.maxPerPage,
  };
  const app = createApp({ store, log, plan, timers, settings });
  const listening = await listen(app.fetch, {
    port: options.port ?? 0,
    hostname: options.hostname ?? "127.0.0.1",
  });
  let closed: Promise<void> | undefined;

  return {
    url: listening.url,
    port: listening.port,
    store,
    requests: log.entries,
    faults,
    instanceIds,
    adminInstanceId: admin.id,
    clearRequests: () => log.clear(),
    idle: () => log.idle(),
    waitFor: (condition, waitOptions) => log.waitFor(condition, waitOptions),
    issueAccessToken(scopes, issue = {}) {
      const instanceId = issue.instanceId ?? admin.id;
      if (!store.getInstance(instanceId)) throw new Error(`Unknown instance ${instanceId}`);
      const token = store.createToken(instanceId, {
        name: issue.name ?? "test-access-token",
        scope: [...scopes],
        status: issue.status ?? "active",
        ...(issue.expirationDate ? { expirationDate: issue.expirationDate } : {}),
      });
      return { token: token.token, apiTokenId: token.id, instanceId };
    },
    close() {
      closed ??= (async () => {
        timers.endAll();
        log.abandon(new Error("waitFor: the server closed before the condition held"));
        await listening.close();
      })();
      return closed;
    },
  };
}
