import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  deleteToken,
  getToken,
  listTokens,
  listTokensPage,
  LosantApiError,
  LosantNetworkError,
  LosantOutcomeUnknownError,
  onTokenEvent,
  patchToken,
  type TokenEvent,
  use,
} from "../mod.ts";
import * as v from "valibot";
import { ApiTokenSchema } from "../src/schemas/api-token.ts";
import { IdSchema } from "../src/schemas/id.ts";
import type { ActionSpec } from "../src/actions/define-action.ts";
import { runAction } from "../src/actions/run-action.ts";
import { guardOutcome } from "../src/pipeline/outcome-guard.ts";
import { type Fixture, startFixture } from "./support/fixture.ts";

let f: Fixture;
test.before.each(async () => {
  f = await startFixture();
});
test.after.each(() => f.server.close());

const rejectsWith = async (promise: Promise<unknown>, status: number, type?: string) => {
  try {
    await promise;
  } catch (error) {
    assert.instance(error, LosantApiError);
    const e = error as LosantApiError;
    assert.is(e.statusCode, status, e.message);
    if (type) assert.is(e.type, type);
    return e;
  }
  assert.unreachable(`expected a ${status}`);
};

test("getToken returns the token as stored, extras kept, no secret", async () => {
  const stored = f.server.store.getToken(f.instanceId, f.apiTokenId)!;
  const token = await getToken(f.client, { instanceId: f.instanceId, apiTokenId: f.apiTokenId });
  assert.is(token.id, stored.id);
  assert.is(token.name, stored.name);
  assert.is(token.status, stored.status);
  assert.is((token as Record<string, unknown>)._type, "apiToken");
  assert.is(token.token, undefined);
});

test("patchToken changes the token on the server and returns it", async () => {
  const token = await patchToken(f.client, {
    instanceId: f.instanceId,
    apiTokenId: f.apiTokenId,
    apiToken: { name: "renamed", status: "inactive" },
  });
  assert.is(token.name, "renamed");
  assert.is(token.status, "inactive");
  const stored = f.server.store.getToken(f.instanceId, f.apiTokenId)!;
  assert.is(stored.name, "renamed");
  assert.is(stored.status, "inactive");
});

test("deleteToken removes the token and resolves { success: true }", async () => {
  const result = await deleteToken(f.client, {
    instanceId: f.instanceId,
    apiTokenId: f.apiTokenId,
  });
  assert.equal(result.success, true);
  assert.is(f.server.store.getToken(f.instanceId, f.apiTokenId), undefined);
});

test("listTokens reads every page; listTokensPage one page with its counts", async () => {
  const expected = f.server.store.listTokens(f.instanceId).map((t) => t.id).sort();
  const seen: string[] = [];
  for await (const t of listTokens(f.client, { instanceId: f.instanceId, perPage: 2 })) {
    seen.push(t.id);
  }
  assert.equal(seen.sort(), expected);
  const pages = f.server.requests.filter((r) => r.action === "list");
  assert.is(pages.length, Math.ceil(expected.length / 2));
  const page = await listTokensPage(f.client, { instanceId: f.instanceId, page: 1, perPage: 2 });
  assert.is(page.totalCount, expected.length);
  assert.is(page.items.length, 2);
  assert.is(Number(page.page), 1);
});

test("listTokens passes sort and filter through", async () => {
  f.server.store.createToken(f.instanceId, { name: "ci-zeta" });
  f.server.store.createToken(f.instanceId, { name: "ci-alpha" });
  const names: string[] = [];
  for await (
    const t of listTokens(f.client, {
      instanceId: f.instanceId,
      filterField: "name",
      filter: "ci-*a",
      sortField: "name",
      sortDirection: "desc",
    })
  ) names.push(t.name!);
  const want = f.server.store.listTokens(f.instanceId).map((t) => t.name)
    .filter((n) => /^ci-.*a$/i.test(n)).sort().reverse();
  assert.equal(names, want);
  assert.ok(names.includes("ci-zeta") && names.includes("ci-alpha"));
});

test("404 for an unknown token and an unknown instance", async () => {
  await rejectsWith(
    getToken(f.client, { instanceId: f.instanceId, apiTokenId: "0".repeat(24) }),
    404,
    "NotFound",
  );
  await rejectsWith(
    deleteToken(f.client, { instanceId: "f".repeat(24), apiTokenId: f.apiTokenId }),
    404,
  );
});

test("400 from the server surfaces as LosantApiError with its type and message", async () => {
  // The client never sends a malformed id, so corrupt the request after validation.
  const broken = use(f.client, (ctx, next) => {
    ctx.path = `/instances/${f.instanceId}/tokens/not-an-id`;
    return next();
  });
  const e = await rejectsWith(
    getToken(broken, { instanceId: f.instanceId, apiTokenId: f.apiTokenId }),
    400,
  );
  assert.ok(e!.message.length > 0);
  assert.is(e!.action, "getToken");
  assert.is(e!.method, "GET");
});

test("401 for an unknown, an inactive and a deleted access token", async () => {
  const bad = f.clientWith(["all.Instance"], { accessToken: "not-a-real-token" });
  await rejectsWith(getToken(bad, { instanceId: f.instanceId, apiTokenId: f.apiTokenId }), 401);
  const issued = f.server.issueAccessToken(["all.Instance"]);
  const client = f.clientWith([], { accessToken: issued.token });
  await getToken(client, { instanceId: f.instanceId, apiTokenId: f.apiTokenId });
  f.server.store.updateToken(issued.instanceId, issued.apiTokenId, { status: "inactive" });
  await rejectsWith(getToken(client, { instanceId: f.instanceId, apiTokenId: f.apiTokenId }), 401);
  f.server.store.deleteToken(issued.instanceId, issued.apiTokenId);
  await rejectsWith(getToken(client, { instanceId: f.instanceId, apiTokenId: f.apiTokenId }), 401);
});

const SCOPES = {
  get: [
    "all.Instance",
    "all.Instance.bounded",
    "all.Instance.read",
    "all.User",
    "all.User.bounded",
    "all.User.read",
    "instanceApiToken.*",
    "instanceApiToken.get",
  ],
  patch: ["all.Instance", "all.User", "instanceApiToken.*", "instanceApiToken.patch"],
  delete: ["all.Instance", "all.User", "instanceApiToken.*", "instanceApiToken.delete"],
  list: [
    "all.Instance",
    "all.Instance.bounded",
    "all.Instance.read",
    "all.User",
    "all.User.bounded",
    "all.User.read",
    "instanceApiTokens.*",
    "instanceApiTokens.get",
  ],
};

type Kind = keyof typeof SCOPES;
const call = (f: Fixture, kind: Kind, client = f.client) => {
  const apiTokenId = f.server.store.createToken(f.instanceId, { name: "scope-target" }).id;
  const params = { instanceId: f.instanceId, apiTokenId };
  if (kind === "get") return getToken(client, params);
  if (kind === "patch") return patchToken(client, { ...params, apiToken: { description: "x" } });
  if (kind === "delete") return deleteToken(client, params);
  return listTokensPage(client, { instanceId: f.instanceId });
};

for (const kind of Object.keys(SCOPES) as Kind[]) {
  test(`${kind}: every listed scope is accepted, others get 403`, async () => {
    for (const scope of SCOPES[kind]) {
      await call(f, kind, f.clientWith([scope]));
    }
    const outside = kind === "get" || kind === "list"
      ? ["instanceApiToken.patch", "instanceApiTokens.post", "all.Application"]
      : ["all.Instance.read", "all.User.read", "all.Instance.bounded", `instanceApiToken.get`];
    for (const scope of outside) {
      await rejectsWith(call(f, kind, f.clientWith([scope])), 403);
    }
  });
}

// A new action declared in a test file, as src/actions/create-token.ts will be: nothing
// else in the library names it, and the stages still know what it is.
const CreateParams = v.strictObject({
  instanceId: IdSchema,
  apiToken: v.strictObject({ name: v.string(), scope: v.optional(v.array(v.string())) }),
});
const createAction: ActionSpec<typeof CreateParams, typeof ApiTokenSchema> = {
  name: "createTokenInATest",
  method: "POST",
  params: CreateParams,
  result: ApiTokenSchema,
  path: (p) => `/instances/${p.instanceId}/tokens`,
  body: (p) => p.apiToken,
  resendable: false,
  notFoundAfterUnknown: "not-found",
  ownConnection: true,
  // ActionSpec requires it for an action that is not resendable: it reads the declaration.
  outcomeGuard: guardOutcome,
  tokenEvent: { type: "created", tokens: "result" },
};
const create = (client: typeof f.client, name: string) =>
  runAction(client, createAction, { instanceId: f.instanceId, apiToken: { name } });
const named = (name: string) =>
  f.server.store.listTokens(f.instanceId).filter((t) => t.name === name);

test("an action declares what it is: a new POST action runs and emits its declared event", async () => {
  const events: TokenEvent[] = [];
  const off = onTokenEvent(f.client, (e) => void events.push(e));
  const token = await create(f.client, "declared-1");
  off();
  assert.is(token.name, "declared-1");
  assert.type(token.token, "string");
  assert.is(named("declared-1").length, 1);
  assert.is(events.length, 1);
  assert.is(events[0].type, "created");
  assert.is(events[0].apiTokenId, token.id);
  // The secret stays out of events unless the listener asks for it.
  assert.is(events[0].token!.token, "[redacted]");
  const post = f.server.requests.at(-1)!;
  assert.is(post.method, "POST");
});

test("a non-resendable action whose attempt had an unknown outcome rejects, never resends", async () => {
  const client = f.clientWith(["all.Instance"], { retry: { retries: 3, minTimeout: 1 } });
  for (const [fault, applied] of [["after", 1], ["before", 0]] as const) {
    f.server.clearRequests();
    f.server.faults.add({ action: "create", reset: fault });
    const name = `unknown-${fault}`;
    const error = await create(client, name).then(() => undefined, (e) => e);
    assert.instance(error, LosantOutcomeUnknownError, String(error));
    assert.match((error as Error).message, /outcome is unknown/);
    assert.instance((error as Error).cause, LosantNetworkError);
    // One request, whatever the server did with it: the caller reconciles.
    assert.is(f.server.requests.filter((r) => r.action === "create").length, 1);
    assert.is(named(name).length, applied);
  }
  // A 503 with Retry-After and a 429 turned the request away: resending those is safe.
  f.server.clearRequests();
  f.server.faults.add({ action: "create", status: 503, retryAfter: 0 });
  f.server.faults.add({ action: "create", status: 429 });
  const token = await create(client, "turned-away");
  assert.is(token.name, "turned-away");
  assert.is(named("turned-away").length, 1);
  assert.equal(f.server.requests.map((r) => r.status), [503, 429, 201]);
  // A gateway error without Retry-After may come after the API did the work: not resent.
  f.server.clearRequests();
  f.server.faults.add({ action: "create", status: 502 });
  const gateway = await create(client, "gateway").then(() => undefined, (e) => e);
  assert.instance(gateway, LosantOutcomeUnknownError);
  assert.is((gateway as LosantOutcomeUnknownError).attempts, 1);
  assert.is(f.server.requests.length, 1);
  // retry: false changes nothing about what the error says.
  f.server.faults.add({ action: "create", reset: "after" });
  const once = await runAction(f.client, createAction, {
    instanceId: f.instanceId,
    apiToken: { name: "no-retry" },
  }).then(() => undefined, (e) => e);
  assert.instance(once, LosantOutcomeUnknownError);
});

test.run();
