import * as v from "valibot";
import { type Access, authenticate, authorize, type RouteKind } from "./auth.ts";
import { OBJECT_ID_PATTERN } from "./ids.ts";
import { listRoute } from "./list-route.ts";
import { fail, type Outcome, type ParsedBody } from "./outcome.ts";
import { presentToken } from "./present.ts";
import type { FakeStore } from "./store.ts";
import type { FakeInstance } from "./types.ts";
import {
  describeIssues,
  FIELDS_SINCE_1_30,
  tokenPatchSchema,
  tokenPostSchema,
} from "./validation.ts";
import { atLeast, satisfies } from "./versions.ts";

/** One API request, as the routes see it: no sockets, no framework. */
export interface ApiRequest {
  kind: RouteKind;
  instanceId: string;
  apiTokenId: string | undefined;
  authorization: string | undefined;
  acceptVersion: string | undefined;
  query: Record<string, string>;
  body: ParsedBody;
}

/** How this server behaves as an API, fixed at start. */
export interface ApiSettings {
  /** The version this API is; `Accept-Version` ranges are matched against it. */
  apiVersion: string;
  /** Most items one list page holds, whatever `perPage` asked for. */
  maxPerPage: number | undefined;
}

/** What handling decided, plus the secret a leaking fault could echo. */
export interface Handled {
  outcome: Outcome;
  /** The created token's secret, or the secret of the token the request named. */
  secret?: string;
}

type Handler = (
  request: ApiRequest,
  instance: FakeInstance,
  access: Access,
  store: FakeStore,
  settings: ApiSettings,
) => Outcome;

// An API older than 1.30.0 has neither field in its strict body schemas.
function refusedByOldApi(body: unknown, settings: ApiSettings): Outcome | undefined {
  if (atLeast(settings.apiVersion, "1.30.0") || typeof body !== "object" || body === null) {
    return undefined;
  }
  const field = FIELDS_SINCE_1_30.find((name) => Object.hasOwn(body, name));
  return field === undefined
    ? undefined
    : fail(400, `apiToken.${field} is not an allowed property`);
}

const NOT_FOUND = "API token was not found";

const handlers: Record<RouteKind, Handler> = {
  get(request, instance, _access, store) {
    const token = store.getToken(instance.id, request.apiTokenId as string);
    if (!token) return fail(404, NOT_FOUND);
    return { status: 200, body: presentToken(token, instance.id, false) };
  },
  patch(request, instance, _access, store, settings) {
    if (!request.body.isJson) return fail(400, "Request body must be a JSON object");
    const old = refusedByOldApi(request.body.json, settings);
    if (old) return old;
    const parsed = v.safeParse(tokenPatchSchema, request.body.json);
    if (!parsed.success) return fail(400, describeIssues("apiToken", parsed.issues));
    const token = store.updateToken(instance.id, request.apiTokenId as string, parsed.output);
    if (!token) return fail(404, NOT_FOUND);
    return { status: 200, body: presentToken(token, instance.id, false) };
  },
  delete(request, instance, _access, store) {
    const removed = store.deleteToken(instance.id, request.apiTokenId as string);
    return removed ? { status: 200, body: { success: true } } : fail(404, NOT_FOUND);
  },
  list(request, instance, _access, store, settings) {
    return listRoute(
      store.listTokens(instance.id),
      instance.id,
      request.query,
      settings.maxPerPage,
    );
  },
  create(request, instance, access, store, settings) {
    if (!request.body.isJson) return fail(400, "Request body must be a JSON object");
    const old = refusedByOldApi(request.body.json, settings);
    if (old) return old;
    const parsed = v.safeParse(tokenPostSchema, request.body.json);
    if (!parsed.success) return fail(400, describeIssues("apiToken", parsed.issues));
    // apiTokenPost.json requires only `name`; a token created without a scope holds none
    // (it can call nothing) rather than a power nobody asked for.
    const token = store.createToken(instance.id, {
      ...parsed.output,
      scope: parsed.output.scope ?? [],
      creatorId: access.token.id,
      creatorType: "apiToken",
      creatorName: access.token.name,
    });
    return { status: 201, body: presentToken(token, instance.id, true) };
  },
};

/**
 * Answers one request as Losant would, in Losant's order: version, authentication, ids,
 * scope, instance, then the action itself. Pure apart from the store it changes.
 *
 * @example
 * ```ts
 * const { outcome } = handleRequest(request, store, settings, Date.now());
 * ```
 */
export function handleRequest(
  request: ApiRequest,
  store: FakeStore,
  settings: ApiSettings,
  now: number,
): Handled {
  if (
    request.acceptVersion !== undefined &&
    satisfies(settings.apiVersion, request.acceptVersion) !== true
  ) {
    return {
      outcome: fail(400, "The requested API version is not allowed", "VersionNotAllowed"),
    };
  }
  const access = authenticate(store, request.authorization, now);
  if ("status" in access) return { outcome: access };
  if (!OBJECT_ID_PATTERN.test(request.instanceId)) {
    return { outcome: fail(400, "instanceId must be a 24 hex digit id") };
  }
  if (request.apiTokenId !== undefined && !OBJECT_ID_PATTERN.test(request.apiTokenId)) {
    return { outcome: fail(400, "apiTokenId must be a 24 hex digit id") };
  }
  const refused = authorize(access, request.kind, request.instanceId);
  if (refused) return { outcome: refused };
  const instance = store.getInstance(request.instanceId);
  if (!instance) return { outcome: fail(404, "Instance was not found") };
  const named = request.apiTokenId === undefined
    ? undefined
    : store.getToken(instance.id, request.apiTokenId)?.token;
  const outcome = handlers[request.kind](request, instance, access, store, settings);
  const created = request.kind === "create" && outcome.status === 201
    ? (outcome.body as { token?: string }).token
    : undefined;
  const secret = created ?? named;
  return secret === undefined ? { outcome } : { outcome, secret };
}
