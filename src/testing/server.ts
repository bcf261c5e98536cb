import { createAdaptorServer, type HttpBindings } from "@hono/node-server";
import { type Context, Hono } from "hono";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import type { Socket } from "node:net";
import * as v from "valibot";
import { type RouteKind, scopeAllows } from "./auth.ts";
import { createFaults, type Faults } from "./faults.ts";
import { globToRegExp } from "./glob.ts";
import { errorBody } from "./http-errors.ts";
import { OBJECT_ID_PATTERN } from "./ids.ts";
import { createRequestLog, type RequestLogEntry } from "./request-log.ts";
import { type SeedOptions, seedStore } from "./seed.ts";
import { StartFakeLosantOptionsSchema } from "../schemas/server-options.ts";
import { parseParams } from "../validate.ts";
import { createStore, type FakeStore } from "./store.ts";
import type { FakeInstance, FakeToken } from "./types.ts";
import {
  describeIssues,
  listQuerySchema,
  tokenPatchSchema,
  tokenPostSchema,
} from "./validation.ts";

/** Options for {@link startFakeLosant}. */
export interface StartFakeLosantOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to listen on (default 127.0.0.1). */
  hostname?: string;
  /** Fake data to create, or `false` for an empty store (default 2 instances × 20 tokens). */
  seed?: SeedOptions | false;
}

/** Options for {@link FakeLosant.issueAccessToken}. */
export interface IssueAccessTokenOptions {
  /** Confine the access token to this instance; when omitted it may act on every instance. */
  instanceId?: string;
  name?: string;
  status?: "active" | "inactive";
  expirationDate?: string;
}

/** An access token minted for tests; `token` is the bearer secret. */
export interface IssuedAccessToken {
  token: string;
  apiTokenId: string;
  instanceId: string;
}

/** A running fake Losant API. */
export interface FakeLosant {
  /** Base URL, e.g. `http://127.0.0.1:54321` (no trailing slash). */
  readonly url: string;
  readonly port: number;
  readonly store: FakeStore;
  /** Live request log (the same array for the server's whole life). */
  readonly requests: RequestLogEntry[];
  readonly faults: Faults;
  /** Ids of the seeded (and not hidden) instances. */
  readonly instanceIds: string[];
  /** The hidden instance that holds access tokens issued without an instanceId. */
  readonly adminInstanceId: string;
  clearRequests(): void;
  /** Resolves once every logged request has finished (response written or connection closed). */
  idle(): Promise<void>;
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

type Env = {
  Bindings: HttpBindings;
  Variables: { entry: RequestLogEntry; body: ParsedBody };
};

interface ParsedBody {
  raw: string | undefined;
  json: unknown;
  isJson: boolean;
}

interface Outcome {
  status: number;
  body: unknown;
}

interface Access {
  token: FakeToken;
  instance: FakeInstance;
}

const JSON_HEADERS = { "content-type": "application/json" } as const;

// @hono/node-server skips writing a response that carries this header; used when the
// handler already wrote to (or destroyed) the node response itself.
const ALREADY_SENT_HEADER = "x-hono-already-sent";
const alreadySent = (): Response =>
  new Response(null, { headers: { [ALREADY_SENT_HEADER]: "true" } });

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), { status, headers: { ...JSON_HEADERS, ...headers } });

const fail = (status: number, message: string): Outcome => ({
  status,
  body: errorBody(status, message),
});

function present(
  token: FakeToken,
  instanceId: string,
  withSecret: boolean,
): Record<string, unknown> {
  const { token: secret, ...rest } = token;
  return {
    ...rest,
    ...(withSecret ? { token: secret } : {}),
    _type: "apiToken",
    _links: { self: { href: `/instances/${instanceId}/tokens/${token.id}` } },
  };
}

function isExpired(token: FakeToken, now: number): boolean {
  return token.expirationDate !== undefined && Date.parse(token.expirationDate) <= now;
}

function compareBy(field: string): (a: FakeToken, b: FakeToken) => number {
  return (a, b) => {
    const x = (a as unknown as Record<string, string | undefined>)[field];
    const y = (b as unknown as Record<string, string | undefined>)[field];
    // Missing values sort first ascending, as MongoDB sorts null before strings.
    if (x !== y) {
      if (x === undefined) return -1;
      if (y === undefined) return 1;
      return x < y ? -1 : 1;
    }
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  };
}

/**
 * Starts a Losant-compatible API server for the instance token routes on a real socket.
 * It never replaces the process's global Request/Response (`overrideGlobalObjects: false`).
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
  const { faults, plan } = createFaults();
  const pending = new Set<() => void>();

  // Timers the server owns end early on close(), so nothing it started keeps the process alive.
  const wait = (ms: number, then: () => void = () => {}): Promise<void> =>
    new Promise((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        pending.delete(finish);
        then();
        resolve();
      };
      const timer = setTimeout(finish, ms);
      pending.add(finish);
    });

  const authenticate = (c: Context<Env>): Access | Outcome => {
    const header = c.req.header("authorization");
    if (!header) return fail(401, "Authorization header is required");
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) return fail(401, "Authorization header must be a Bearer token");
    const found = store.findBySecret(match[1] as string);
    if (!found) return fail(401, "Invalid access token");
    if (found.token.status !== "active") return fail(401, "Access token is inactive");
    if (isExpired(found.token, Date.now())) return fail(401, "Access token has expired");
    return found;
  };

  const handlers: Record<
    RouteKind,
    (c: Context<Env>, instance: FakeInstance, access: Access) => Outcome
  > = {
    get(c, instance) {
      const token = store.getToken(instance.id, c.req.param("apiTokenId") as string);
      if (!token) return fail(404, "API token was not found");
      return { status: 200, body: present(token, instance.id, false) };
    },
    patch(c, instance) {
      const tokenId = c.req.param("apiTokenId") as string;
      const body = c.get("body");
      if (!body.isJson) return fail(400, "Request body must be a JSON object");
      const parsed = v.safeParse(tokenPatchSchema, body.json);
      if (!parsed.success) return fail(400, describeIssues("apiToken", parsed.issues));
      const token = store.updateToken(instance.id, tokenId, parsed.output);
      if (!token) return fail(404, "API token was not found");
      return { status: 200, body: present(token, instance.id, false) };
    },
    delete(c, instance) {
      const removed = store.deleteToken(instance.id, c.req.param("apiTokenId") as string);
      return removed
        ? { status: 200, body: { success: true } }
        : fail(404, "API token was not found");
    },
    list(c, instance) {
      const parsed = v.safeParse(listQuerySchema, c.req.query());
      if (!parsed.success) return fail(400, describeIssues("query", parsed.issues));
      const query = parsed.output;
      const direction = query.sortDirection === "desc" ? "desc" : "asc";
      let tokens = store.listTokens(instance.id);
      const totalCount = tokens.length;
      const filterField = query.filter ? query.filterField || "name" : undefined;
      if (filterField && query.filter) {
        const pattern = globToRegExp(query.filter);
        tokens = tokens.filter((t) => pattern.test(filterField === "status" ? t.status : t.name));
      }
      tokens.sort(compareBy(query.sortField));
      if (direction === "desc") tokens.reverse();
      const items = tokens
        .slice(query.page * query.perPage, (query.page + 1) * query.perPage)
        .map((t) => present(t, instance.id, false));
      const self = `/instances/${instance.id}/tokens`;
      return {
        status: 200,
        body: {
          items,
          count: items.length,
          totalCount: filterField ? tokens.length : totalCount,
          perPage: query.perPage,
          page: query.page,
          sortField: query.sortField,
          sortDirection: direction,
          ...(filterField ? { filterField, filter: query.filter } : {}),
          _type: "apiTokens",
          _links: { self: { href: self }, instance: { href: `/instances/${instance.id}` } },
        },
      };
    },
    create(c, instance, access) {
      const body = c.get("body");
      if (!body.isJson) return fail(400, "Request body must be a JSON object");
      const parsed = v.safeParse(tokenPostSchema, body.json);
      if (!parsed.success) return fail(400, describeIssues("apiToken", parsed.issues));
      const token = store.createToken(instance.id, {
        ...parsed.output,
        scope: parsed.output.scope ?? ["all.Instance.read"],
        creatorId: access.token.id,
        creatorType: "apiToken",
        creatorName: access.token.name,
      });
      return { status: 201, body: present(token, instance.id, true) };
    },
  };

  const handle = (c: Context<Env>, kind: RouteKind): Outcome => {
    const access = authenticate(c);
    if ("status" in access) return access;
    const instanceId = c.req.param("instanceId") as string;
    const tokenId = c.req.param("apiTokenId");
    if (!OBJECT_ID_PATTERN.test(instanceId)) {
      return fail(400, "instanceId must be a 24 hex digit id");
    }
    if (tokenId !== undefined && !OBJECT_ID_PATTERN.test(tokenId)) {
      return fail(400, "apiTokenId must be a 24 hex digit id");
    }
    if (!scopeAllows(access.token.scope, kind)) {
      return fail(
        403,
        `Access token scope does not allow instanceApiToken${
          kind === "list" || kind === "create" ? "s" : ""
        }.${kind}`,
      );
    }
    if (!access.instance.hidden && access.instance.id.toLowerCase() !== instanceId.toLowerCase()) {
      return fail(403, "Access token is not authorized for this instance");
    }
    const instance = store.getInstance(instanceId);
    if (!instance) return fail(404, "Instance was not found");
    return handlers[kind](c, instance, access);
  };

  const resetConnection = (c: Context<Env>): Response => {
    c.env.incoming.socket.destroy();
    log.end(c.get("entry"), undefined);
    return alreadySent();
  };

  const route = (kind: RouteKind) => async (c: Context<Env>): Promise<Response> => {
    const entry = c.get("entry");
    entry.action = kind;
    entry.instanceId = c.req.param("instanceId");
    const decided = plan({ kind, instanceId: entry.instanceId, requestId: entry.requestId });
    if (decided.names.length > 0) entry.fault = decided.names.join("+");
    if (decided.latencyMs > 0) await wait(decided.latencyMs);
    if (decided.respond) {
      return json(decided.respond.status, decided.respond.body, decided.respond.headers);
    }
    if (decided.reset === "before" || decided.resend) return resetConnection(c);
    const outcome = handle(c, kind);
    if (decided.reset === "after") return resetConnection(c);
    if (decided.stallMs !== undefined) {
      const out = c.env.outgoing;
      const payload = JSON.stringify(outcome.body);
      out.writeHead(outcome.status, {
        ...JSON_HEADERS,
        "content-length": String(new TextEncoder().encode(payload).length),
      });
      out.flushHeaders();
      void wait(decided.stallMs, () => {
        if (!out.destroyed) out.end(payload);
      });
      return alreadySent();
    }
    return json(outcome.status, outcome.body);
  };

  const app = new Hono<Env>();
  app.use("*", async (c, next) => {
    const headers: Record<string, string> = {};
    c.req.raw.headers.forEach((value, name) => {
      headers[name] = value;
    });
    const entry = log.begin({
      method: c.req.method,
      path: c.req.path,
      query: { ...c.req.query() },
      headers,
      body: undefined,
      requestId: headers["x-request-id"],
      losantDomain: headers["losantdomain"],
    });
    const out = c.env.outgoing;
    out.once("finish", () => log.end(entry, out.statusCode));
    out.once("close", () => log.end(entry, out.writableFinished ? out.statusCode : undefined));
    const raw = c.req.method === "GET" || c.req.method === "HEAD" ? undefined : await c.req.text();
    const body: ParsedBody = { raw: raw || undefined, json: undefined, isJson: false };
    if (body.raw !== undefined) {
      try {
        body.json = JSON.parse(body.raw);
        body.isJson = true;
      } catch {
        // Not JSON: logged as text; the route answers 400.
      }
    }
    entry.body = body.isJson ? body.json : body.raw;
    c.set("entry", entry);
    c.set("body", body);
    await next();
  });
  app.get("/instances/:instanceId/tokens/:apiTokenId", route("get"));
  app.patch("/instances/:instanceId/tokens/:apiTokenId", route("patch"));
  app.delete("/instances/:instanceId/tokens/:apiTokenId", route("delete"));
  app.get("/instances/:instanceId/tokens", route("list"));
  app.post("/instances/:instanceId/tokens", route("create"));
  app.notFound(() => json(404, errorBody(404, "Route was not found")));
  app.onError((error) =>
    json(500, errorBody(500, error instanceof Error ? error.message : String(error)))
  );

  const server = createAdaptorServer({ fetch: app.fetch, overrideGlobalObjects: false }) as Server;
  // Tracked by hand as well: not every runtime's node:http has closeAllConnections.
  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  const hostname = options.hostname ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, hostname, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = hostname.includes(":") ? `[${hostname}]` : hostname;
  let closed: Promise<void> | undefined;

  return {
    url: `http://${host}:${port}`,
    port,
    store,
    requests: log.entries,
    faults,
    instanceIds,
    adminInstanceId: admin.id,
    clearRequests: () => log.clear(),
    idle: () => log.idle(),
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
      closed ??= new Promise<void>((resolve) => {
        for (const finish of [...pending]) finish();
        server.close(() => resolve());
        server.closeAllConnections?.();
        for (const socket of sockets) socket.destroy();
      });
      return closed;
    },
  };
}
