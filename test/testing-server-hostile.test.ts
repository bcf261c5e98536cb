/**
 * The embedded server's reproductions of what the real API (or a misbehaving proxy in front
 * of it) does: versions, older APIs, page-size caps, Losant's 429s, leaking error bodies,
 * redirects, trickling bodies and huge Retry-After values; and create's checks.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { SCOPE_NAMES } from "../src/schemas/scope-names.ts";
import { type FakeLosant, satisfies, startFakeLosant } from "../src/testing/mod.ts";

let server: FakeLosant;
let admin: string;
let instanceId: string;

// deno-lint-ignore no-explicit-any
type Json = any;

test.before(async () => {
  server = await startFakeLosant({ seed: { instances: 2, tokensPerInstance: 30 } });
  admin = server.issueAccessToken(["all.Instance"]).token;
  instanceId = server.instanceIds[0]!;
});

test.before.each(() => {
  server.faults.clear();
});

test.after(async () => {
  await server.close();
});

interface Call {
  method?: string;
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
  redirect?: RequestRedirect;
}

function call(target: FakeLosant, path: string, options: Call = {}): Promise<Response> {
  const headers: Record<string, string> = {
    authorization: `Bearer ${options.token ?? admin}`,
    ...options.headers,
  };
  if (options.body !== undefined) headers["content-type"] = "application/json";
  return fetch(`${target.url}${path}`, {
    method: options.method ?? "GET",
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    redirect: options.redirect ?? "follow",
  });
}

async function callJson(
  path: string,
  options: Call = {},
): Promise<{ status: number; body: Json; res: Response }> {
  const res = await call(server, path, options);
  return { status: res.status, body: await res.json(), res };
}

const listPath = (id = instanceId): string => `/instances/${id}/tokens`;
const tokenPath = (tokenId: string, id = instanceId): string => `${listPath(id)}/${tokenId}`;
const scratch = (name = "scratch"): string =>
  server.store.createToken(instanceId, { name, scope: ["all.Instance.read"] }).id;

test("Accept-Version: version ranges as node-semver reads them", () => {
  const table: Array<[string, string, boolean | undefined]> = [
    ["1.30.0", "^1.30.0", true],
    ["1.32.0", "^1.30.0", true],
    ["2.0.0", "^1.30.0", false],
    ["1.29.9", "^1.30.0", false],
    ["1.30.4", "~1.30.0", true],
    ["1.31.0", "~1.30.0", false],
    ["0.2.9", "^0.2.3", true],
    ["0.3.0", "^0.2.3", false],
    ["1.30.0", "1.x", true],
    ["1.30.0", "*", true],
    ["1.30.0", "1.30", true],
    ["1.30.0", "=1.30.0", true],
    ["1.30.0", ">=1.2 <2", true],
    ["1.30.0", ">= 1.31.0", false],
    ["1.30.0", "<1.30.0 || >=3", false],
    ["1.30.0", "<1.0.0 || 1.30.x", true],
    ["1.30.0", "not-a-range", undefined],
  ];
  for (const [version, range, expected] of table) {
    assert.is(satisfies(version, range), expected, `${version} in ${range}`);
  }
});

test("Accept-Version the API cannot satisfy: 400 VersionNotAllowed, nothing applied", async () => {
  const id = scratch();
  for (const range of ["^2.0.0", "<1.0.0", "garbage"]) {
    const { status, body } = await callJson(tokenPath(id), {
      method: "PATCH",
      body: { name: "changed" },
      headers: { "accept-version": range },
    });
    assert.is(status, 400, range);
    assert.is(body.type, "VersionNotAllowed", range);
  }
  assert.is(server.store.getToken(instanceId, id)!.name, "scratch");
  const ok = await callJson(tokenPath(id), { headers: { "accept-version": "^1.30.0" } });
  assert.is(ok.status, 200);
  const none = await callJson(tokenPath(id));
  assert.is(none.status, 200, "no Accept-Version: the newest version answers");
});

test("an API older than 1.30 refuses defaultRole and orgRoles in a patch or create (400 Validation)", async () => {
  const old = await startFakeLosant({
    apiVersion: "1.29.0",
    seed: { instances: 1, tokensPerInstance: 2 },
  });
  try {
    const token = old.issueAccessToken(["all.Instance"]).token;
    const id = old.store.listTokens(old.instanceIds[0]!)[0]!.id;
    const before = old.store.getToken(old.instanceIds[0]!, id)!;
    const path = `/instances/${old.instanceIds[0]}/tokens`;
    const cases: Array<[string, string, unknown, string]> = [
      ["PATCH", `${path}/${id}`, { name: "renamed", defaultRole: "view" }, "defaultRole"],
      ["PATCH", `${path}/${id}`, { orgRoles: [] }, "orgRoles"],
      [
        "POST",
        path,
        { name: "new", scope: ["all.Instance.read"], defaultRole: "none" },
        "defaultRole",
      ],
    ];
    for (const [method, target, body, field] of cases) {
      const res = await call(old, target, {
        method,
        token,
        body,
        headers: { "accept-version": "^1.20.1" },
      });
      const json: Json = await res.json();
      assert.is(res.status, 400, `${method} ${field}`);
      assert.is(json.type, "Validation");
      assert.match(json.message, field);
    }
    assert.equal(old.store.getToken(old.instanceIds[0]!, id), before, "nothing changed");
    assert.is(old.store.listTokens(old.instanceIds[0]!).length, 2, "nothing created");
    const plain = await call(old, `${path}/${id}`, {
      method: "PATCH",
      token,
      body: { name: "renamed" },
    });
    assert.is(plain.status, 200);
    await plain.body?.cancel();
    const newer = await call(old, `${path}/${id}`, {
      token,
      headers: { "accept-version": "^1.30.0" },
    });
    assert.is(newer.status, 400, "a 1.29 API cannot satisfy ^1.30.0");
    assert.is(((await newer.json()) as Json).type, "VersionNotAllowed");
  } finally {
    await old.close();
  }
});

test("a page-size cap: fewer items than perPage asked for, counts tell the truth, pages stay consecutive", async () => {
  const capped = await startFakeLosant({
    maxPerPage: 7,
    seed: { instances: 1, tokensPerInstance: 20 },
  });
  try {
    const token = capped.issueAccessToken(["all.Instance"]).token;
    const path = `/instances/${capped.instanceIds[0]}/tokens?sortField=id&perPage=1000`;
    const seen: string[] = [];
    for (let page = 0; page < 4; page++) {
      const res = await call(capped, `${path}&page=${page}`, { token });
      const body: Json = await res.json();
      assert.is(body.perPage, 1000, "perPage echoes the request");
      assert.is(body.totalCount, 20);
      assert.is(body.count, body.items.length);
      assert.is(body.count, [7, 7, 6, 0][page], `page ${page}`);
      seen.push(...body.items.map((t: Json) => t.id));
    }
    const all = capped.store.listTokens(capped.instanceIds[0]!).map((t) => t.id).sort();
    assert.equal(seen, all, "every token exactly once across the short pages");
  } finally {
    await capped.close();
  }
});

test("Losant's 429: TooManyRequestsError, the wait only in the message, no Retry-After header", async () => {
  server.faults.add({ action: "get", status: 429, retryIn: 3.9, times: 2 });
  const id = scratch();
  const { status, body, res } = await callJson(tokenPath(id));
  assert.is(status, 429);
  assert.equal(body, {
    type: "TooManyRequestsError",
    message: "Over rate limit, request throttled. Retry in 3 seconds",
  });
  assert.is(res.headers.get("retry-after"), null);
  server.faults.clear();
  server.faults.add({ action: "get", status: 429, retryIn: 2, retryAfter: 2 });
  const both = await callJson(tokenPath(id));
  assert.is(both.res.headers.get("retry-after"), "2");
  assert.match(both.body.message, /Retry in 2 seconds/);
});

test("huge Retry-After values are sent as given", async () => {
  const id = scratch();
  server.faults.add({ action: "get", status: 503, retryAfter: 99_999_999_999_999 });
  const big = await callJson(tokenPath(id));
  assert.is(big.res.headers.get("retry-after"), "99999999999999");
  const far = new Date(Date.UTC(9999, 11, 31));
  server.faults.add({ action: "get", status: 429, retryAfter: far });
  const date = await callJson(tokenPath(id));
  assert.is(date.res.headers.get("retry-after"), far.toUTCString());
  server.faults.add({ action: "get", status: 503, retryAfter: "1e400" });
  const odd = await callJson(tokenPath(id));
  assert.is(odd.res.headers.get("retry-after"), "1e400");
});

test("an error body that echoes the Authorization header: nothing applied", async () => {
  const id = scratch();
  const handle = server.faults.add({ action: "patch", echo: "authorization" });
  const { status, body } = await callJson(tokenPath(id), { method: "PATCH", body: { name: "x" } });
  assert.is(status, 400);
  assert.ok(body.message.includes(`Bearer ${admin}`), "the header is echoed verbatim");
  assert.is(server.store.getToken(instanceId, id)!.name, "scratch");
  assert.is(handle.used, 1);
  await server.idle();
  assert.is(server.requests.at(-1)!.fault, "echo:authorization");
});

test("an error body that echoes a created token's secret: the token exists, its secret only in the error", async () => {
  server.faults.add({ action: "create", echo: "both" });
  const { status, body } = await callJson(listPath(), {
    method: "POST",
    body: { name: "leaky-create", scope: ["all.Instance.read"] },
  });
  assert.is(status, 500);
  const created = server.store.listTokens(instanceId).find((t) => t.name === "leaky-create");
  assert.ok(created, "the create applied");
  assert.ok(body.message.includes(created!.token), "the secret is echoed");
  assert.ok(body.message.includes(admin), "and the Authorization header");
  const works = await call(server, tokenPath(created!.id), { token: created!.token });
  assert.is(works.status, 200, "the echoed secret is the live token's");
  await works.body?.cancel();
});

test("redirects: 302 to another token's path and 307 to another origin; nothing applied here", async () => {
  const a = scratch("redirect-a");
  const b = scratch("redirect-b");
  server.faults.add({ action: "delete", redirect: 302, location: tokenPath(b) });
  const manual = await call(server, tokenPath(a), { method: "DELETE", redirect: "manual" });
  assert.is(manual.status, 302);
  assert.is(manual.headers.get("location"), tokenPath(b));
  await manual.body?.cancel();
  assert.ok(server.store.getToken(instanceId, a) && server.store.getToken(instanceId, b));

  // What a client that follows redirects does: the DELETE of A deletes B.
  server.faults.add({ action: "delete", redirect: 302, location: tokenPath(b) });
  const followed = await call(server, tokenPath(a), { method: "DELETE" });
  assert.is(followed.status, 200);
  await followed.body?.cancel();
  assert.ok(server.store.getToken(instanceId, a), "A was not deleted");
  assert.is(server.store.getToken(instanceId, b), undefined, "B was");

  const elsewhere = await startFakeLosant({ seed: false });
  try {
    const target = `${elsewhere.url}${tokenPath(a)}`;
    server.faults.add({ action: "delete", redirect: 307, location: target });
    const cross = await call(server, tokenPath(a), { method: "DELETE", redirect: "manual" });
    assert.is(cross.status, 307);
    assert.is(cross.headers.get("location"), target);
    await cross.body?.cancel();
    server.faults.add({ action: "delete", redirect: 307, location: target });
    const resent = await call(server, tokenPath(a), { method: "DELETE" });
    await resent.body?.cancel();
    const arrived = await elsewhere.waitFor((log) => log.find((r) => r.method === "DELETE"));
    assert.is(arrived.path, tokenPath(a), "the other origin received the DELETE");
    assert.ok(server.store.getToken(instanceId, a));
  } finally {
    await elsewhere.close();
  }
});

test("a trickling body: headers at once, the body in many small pieces, complete at the end", async () => {
  const id = scratch("trickled");
  server.faults.add({ action: "get", trickle: { bytes: 16, everyMs: 5 } });
  const res = await call(server, tokenPath(id));
  assert.is(res.status, 200);
  const reader = res.body!.getReader();
  const chunks: Uint8Array[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
  }
  assert.ok(chunks.length >= 2, `the body came in ${chunks.length} piece(s)`);
  const text = new TextDecoder().decode(
    new Uint8Array(chunks.flatMap((c) => [...c])),
  );
  assert.is(JSON.parse(text).name, "trickled");
  await server.idle();
  assert.is(server.requests.at(-1)!.fault, "trickle");
  assert.is(server.requests.at(-1)!.status, 200);
});

test("create: scope names from apiTokenPost.json only; an omitted scope grants nothing; the secret only in the 201", async () => {
  const unknown = await callJson(listPath(), {
    method: "POST",
    body: { name: "typo", scope: ["all.Instance", "instanceApiToken.gett"] },
  });
  assert.is(unknown.status, 400);
  assert.is(unknown.body.type, "Validation");
  assert.match(unknown.body.message, "apiToken.scope.1");
  const every = SCOPE_NAMES.filter((_, i) => i % 25 === 0);
  const known = await callJson(listPath(), {
    method: "POST",
    body: { name: "many-scopes", scope: every },
  });
  assert.is(known.status, 201);
  assert.equal(known.body.scope, every);
  assert.is(server.store.listTokens(instanceId).filter((t) => t.name === "typo").length, 0);

  const bare = await callJson(listPath(), { method: "POST", body: { name: "no-scope" } });
  assert.is(bare.status, 201, "apiTokenPost.json requires only name");
  assert.equal(bare.body.scope, [], "no scope given: none held, no default grant");
  assert.type(bare.body.token, "string");
  const powerless = await callJson(listPath(), { token: bare.body.token });
  assert.is(powerless.status, 403);
  const again = await callJson(tokenPath(bare.body.id));
  assert.is(again.body.token, undefined);
  const page = await callJson(`${listPath()}?filterField=name&filter=no-scope`);
  assert.is(page.body.items[0].token, undefined);
});

test("scopes are enforced per action: create needs instanceApiTokens.post (or a broader scope)", async () => {
  const issue = (scopes: string[]): string => server.issueAccessToken(scopes, { instanceId }).token;
  const readOnly = issue(["all.Instance.read", "instanceApiTokens.get", "instanceApiToken.*"]);
  const denied = await callJson(listPath(), {
    method: "POST",
    token: readOnly,
    body: { name: "not-allowed", scope: ["all.Instance.read"] },
  });
  assert.is(denied.status, 403);
  assert.is(denied.body.type, "Forbidden");
  assert.match(denied.body.message, "instanceApiTokens.post");
  assert.is(server.store.listTokens(instanceId).some((t) => t.name === "not-allowed"), false);
  for (
    const scope of ["instanceApiTokens.post", "instanceApiTokens.*", "all.Instance", "all.User"]
  ) {
    const created = await callJson(listPath(), {
      method: "POST",
      token: issue([scope]),
      body: { name: `allowed-${scope}`, scope: ["all.Instance.read"] },
    });
    assert.is(created.status, 201, scope);
  }
  const bounded = await callJson(listPath(), {
    method: "POST",
    token: issue(["all.Instance.bounded"]),
    body: { name: "bounded", scope: ["all.Instance.read"] },
  });
  assert.is(bounded.status, 403, "a bounded scope reads but does not create");
  const listOnly = issue(["instanceApiTokens.get"]);
  const id = scratch();
  for (const [method, body] of [["GET"], ["PATCH", { name: "x" }], ["DELETE"]] as const) {
    const res = await callJson(tokenPath(id), { method, token: listOnly, body });
    assert.is(res.status, 403, method);
  }
  assert.is((await callJson(listPath(), { token: listOnly })).status, 200);
});

test.run();
