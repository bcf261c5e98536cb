import type { HttpBindings } from "@hono/node-server";
import { type Context, Hono } from "hono";
import { applyFault, type Exchange, jsonResponse } from "./apply-fault.ts";
import type { RouteKind } from "./auth.ts";
import type { FaultPlan } from "./fault-types.ts";
import type { PlannedRequest } from "./faults.ts";
import { errorBody } from "./http-errors.ts";
import { parseBody, type ParsedBody } from "./outcome.ts";
import type { RequestLog, RequestLogEntry } from "./request-log.ts";
import { type ApiSettings, handleRequest } from "./routes.ts";
import type { FakeStore } from "./store.ts";
import type { ServerTimers } from "./timers.ts";

type Env = {
  Bindings: HttpBindings;
  Variables: { entry: RequestLogEntry; body: ParsedBody };
};

/** Everything the HTTP app reads; none of it is owned by the app. */
export interface AppParts {
  store: FakeStore;
  log: RequestLog;
  plan(request: PlannedRequest): FaultPlan;
  timers: ServerTimers;
  settings: ApiSettings;
}

// @hono/node-server skips writing a response that carries this header; used when the
// exchange already wrote to (or destroyed) the node response itself.
const ALREADY_SENT_HEADER = "x-hono-already-sent";
const alreadySent = (): Response =>
  new Response(null, { headers: { [ALREADY_SENT_HEADER]: "true" } });

function exchangeFor(c: Context<Env>, parts: AppParts): Exchange {
  return {
    reset() {
      c.env.incoming.socket.destroy();
      parts.log.end(c.get("entry"), undefined);
      return alreadySent();
    },
    sendSlowly(outcome, pieces, pauseMs) {
      const out = c.env.outgoing;
      const length = pieces.reduce((sum, piece) => sum + piece.length, 0);
      out.writeHead(outcome.status, {
        "content-type": "application/json",
        ...outcome.headers,
        "content-length": String(length),
      });
      out.flushHeaders();
      void (async () => {
        for (const [i, piece] of pieces.entries()) {
          await parts.timers.wait(pauseMs);
          if (out.destroyed) return;
          if (i === pieces.length - 1) out.end(piece);
          else out.write(piece);
        }
        if (pieces.length === 0 && !out.destroyed) out.end();
      })();
      return alreadySent();
    },
  };
}

/**
 * What listening needs of the app. Hono's own type stays out of the published declarations:
 * they would pull in Hono's WebSocket helper types, which need the DOM lib.
 */
export interface App {
  fetch(request: Request, env: never): Response | Promise<Response>;
}

/**
 * The Hono app: logs each request, asks the fault plan what to do, and lets the pure
 * routes answer.
 *
 * @example
 * ```ts
 * const app = createApp({ store, log, plan, timers, settings });
 * ```
 */
export function createApp(parts: AppParts): App {
  const { log, store, settings } = parts;
  const route = (kind: RouteKind) => async (c: Context<Env>): Promise<Response> => {
    const entry = c.get("entry");
    entry.action = kind;
    entry.instanceId = c.req.param("instanceId");
    const plan = parts.plan({ kind, instanceId: entry.instanceId, requestId: entry.requestId });
    if (plan.names.length > 0) entry.fault = plan.names.join("+");
    log.changed();
    const authorization = c.req.header("authorization");
    const handle = () => {
      const handled = handleRequest(
        {
          kind,
          instanceId: c.req.param("instanceId") as string,
          apiTokenId: c.req.param("apiTokenId"),
          authorization,
          acceptVersion: c.req.header("accept-version"),
          query: c.req.query(),
          body: c.get("body"),
        },
        store,
        settings,
        Date.now(),
      );
      log.changed();
      return handled;
    };
    return await applyFault(plan, exchangeFor(c, parts), parts.timers, handle, authorization);
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
    const body = parseBody(raw);
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
  app.notFound(() => jsonResponse({ status: 404, body: errorBody(404, "Route was not found") }));
  app.onError((error) =>
    jsonResponse({
      status: 500,
      body: errorBody(500, error instanceof Error ? error.message : String(error)),
    })
  );
  return { fetch: app.fetch as App["fetch"] };
}
