import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  createClient,
  deleteToken,
  getToken,
  listTokens,
  listTokensPage,
  LosantResponseError,
  LosantValidationError,
  patchToken,
  use,
} from "../mod.ts";
import { type Fixture, startFixture } from "./support/fixture.ts";

let f: Fixture;
test.before(async () => {
  f = await startFixture();
});
test.after(() => f.server.close());

const ID = "a".repeat(24);

async function rejectsValidation(run: () => Promise<unknown>, path: string, rule: string) {
  const before = f.server.requests.length;
  try {
    await run();
  } catch (error) {
    assert.instance(error, LosantValidationError);
    const e = error as LosantValidationError;
    const issue = e.issues.find((i) => i.path === path);
    assert.ok(issue, `no issue for ${path} in: ${e.message}`);
    assert.is(issue!.rule, rule, e.message);
    assert.ok(e.message.includes(path), e.message);
    assert.ok(e.message.includes(rule), e.message);
    assert.is(f.server.requests.length, before, "a request was sent");
    return;
  }
  assert.unreachable(`expected a LosantValidationError for ${path}`);
}

const cases: Array<[string, () => Promise<unknown>, string, string]> = [
  [
    "missing instanceId",
    () => getToken(f.client, { apiTokenId: ID } as never),
    "instanceId",
    "required",
  ],
  [
    "malformed id",
    () => getToken(f.client, { instanceId: "xyz", apiTokenId: ID }),
    "instanceId",
    "regex",
  ],
  [
    "id with a slash",
    () =>
      deleteToken(f.client, {
        instanceId: ID,
        apiTokenId: `${"a".repeat(12)}/../${"a".repeat(7)}`,
      }),
    "apiTokenId",
    "regex",
  ],
  [
    "id with dots",
    () => getToken(f.client, { instanceId: `..${"a".repeat(22)}`, apiTokenId: ID }),
    "instanceId",
    "regex",
  ],
  [
    "id that is a number",
    () => getToken(f.client, { instanceId: 5 as never, apiTokenId: ID }),
    "instanceId",
    "string",
  ],
  [
    "patch that is not an object",
    () => patchToken(f.client, { instanceId: ID, apiTokenId: ID, apiToken: "inactive" as never }),
    "apiToken",
    "strict_object",
  ],
  [
    "missing patch",
    () => patchToken(f.client, { instanceId: ID, apiTokenId: ID } as never),
    "apiToken",
    "required",
  ],
  [
    "unknown patch field",
    () =>
      patchToken(f.client, { instanceId: ID, apiTokenId: ID, apiToken: { nmae: "x" } as never }),
    "apiToken.nmae",
    "unknown_key",
  ],
  [
    "256-char name",
    () =>
      patchToken(f.client, { instanceId: ID, apiTokenId: ID, apiToken: { name: "n".repeat(256) } }),
    "apiToken.name",
    "max_length",
  ],
  [
    "empty name",
    () => patchToken(f.client, { instanceId: ID, apiTokenId: ID, apiToken: { name: "" } }),
    "apiToken.name",
    "min_length",
  ],
  [
    "bad status",
    () =>
      patchToken(f.client, {
        instanceId: ID,
        apiTokenId: ID,
        apiToken: { status: "revoked" as never },
      }),
    "apiToken.status",
    "picklist",
  ],
  [
    "bad org role",
    () =>
      patchToken(f.client, {
        instanceId: ID,
        apiTokenId: ID,
        apiToken: { orgRoles: [{ orgId: "sandbox", role: "owner" as never }] },
      }),
    "apiToken.orgRoles.0.role",
    "picklist",
  ],
  [
    "unknown param",
    () => getToken(f.client, { instanceId: ID, apiTokenId: ID, losantDomain: "x" } as never),
    "losantDomain",
    "unknown_key",
  ],
  [
    "header injection in losantdomain",
    () => getToken(f.client, { instanceId: ID, apiTokenId: ID, losantdomain: "a\r\nx-evil: 1" }),
    "losantdomain",
    "regex",
  ],
  [
    "negative page",
    () => listTokensPage(f.client, { instanceId: ID, page: -1 }),
    "page",
    "min_value",
  ],
  [
    "fractional perPage",
    () => listTokensPage(f.client, { instanceId: ID, perPage: 2.5 }),
    "perPage",
    "integer",
  ],
  [
    "bad sortField",
    () => listTokensPage(f.client, { instanceId: ID, sortField: "owner" as never }),
    "sortField",
    "picklist",
  ],
  [
    "negative timeout",
    () => getToken(f.client, { instanceId: ID, apiTokenId: ID }, { timeout: -1 }),
    "timeout",
    "min_value",
  ],
];

for (const [name, run, path, rule] of cases) {
  test(`bad input: ${name} → LosantValidationError naming ${path} (${rule}), nothing sent`, () =>
    rejectsValidation(run, path, rule));
}

test("listTokens validates when called, before any page is read", async () => {
  await rejectsValidation(
    async () => {
      for await (const _ of listTokens(f.client, { instanceId: "nope" })) break;
    },
    "instanceId",
    "regex",
  );
});

test("the error message never quotes the received value", async () => {
  const secret = "eyJhbGciOiJIUzI1NiJ9.SECRET-PASTED-IN-THE-WRONG-FIELD";
  try {
    await getToken(f.client, { instanceId: secret, apiTokenId: ID });
    assert.unreachable();
  } catch (error) {
    assert.instance(error, LosantValidationError);
    assert.not.ok(String((error as Error).message).includes("SECRET"));
    assert.not.ok(JSON.stringify(error).includes("SECRET"));
  }
});

test("createClient rejects a missing token, a malformed url, plain http to a remote host", () => {
  const expectIssue = (options: unknown, path: string) => {
    try {
      createClient(options as never);
      assert.unreachable(`accepted ${JSON.stringify(options)}`);
    } catch (error) {
      assert.instance(error, LosantValidationError);
      assert.ok(
        (error as LosantValidationError).issues.some((i) => i.path === path),
        String(error),
      );
    }
  };
  expectIssue({}, "accessToken");
  expectIssue({ accessToken: "" }, "accessToken");
  expectIssue({ accessToken: "a b" }, "accessToken");
  expectIssue({ accessToken: "t", url: "not a url" }, "url");
  expectIssue({ accessToken: "t", url: "ftp://api.losant.com" }, "url");
  expectIssue({ accessToken: "t", url: "http://api.losant.com" }, "url");
  expectIssue({ accessToken: "t", timeout: "5s" }, "timeout");
  // Loopback may be plain http; anything else only when asked for explicitly.
  createClient({ accessToken: "t", url: "http://127.0.0.1:1" });
  createClient({ accessToken: "t", url: "http://localhost:1" });
  createClient({ accessToken: "t", url: "http://[::1]:1" });
  createClient({ accessToken: "t", url: "http://proxy.internal", allowInsecureHttp: true });
});

test("false-or options: false passes, anything else meets the object's (or string's) own rules", () => {
  const issuesOf = (options: Record<string, unknown>) => {
    try {
      createClient({ accessToken: "t", ...options } as never);
    } catch (error) {
      assert.instance(error, LosantValidationError);
      return (error as LosantValidationError).issues.map((i) => [i.path, i.rule, i.message]);
    }
    return assert.unreachable(`accepted ${Object.keys(options)}`);
  };
  assert.ok(createClient({ accessToken: "t", retry: false, userAgent: false }));
  assert.equal(issuesOf({ retry: 5 }), [[
    "retry",
    "strict_object",
    "must be false or an object of only retries, minTimeout, maxTimeout, factor, maxRetryAfter, onRetry",
  ]]);
  assert.equal(issuesOf({ retry: { retries: -1 } }), [[
    "retry.retries",
    "min_value",
    "must be at least 0",
  ]]);
  assert.equal(issuesOf({ userAgent: true }), [[
    "userAgent",
    "literal",
    "must be false or a header-safe string",
  ]]);
  assert.equal(issuesOf({ userAgent: "" }), [["userAgent", "min_length", "must not be empty"]]);
  // The https rule spans two fields: it runs once both have passed, and names the url.
  assert.equal(issuesOf({ url: "http://api.losant.com" }), [[
    "url",
    "check",
    "must be https: (plain http: is only allowed to a loopback host, or with allowInsecureHttp: true)",
  ]]);
  assert.equal(issuesOf({ url: "http://api.losant.com", allowInsecureHttp: "yes" }), [[
    "allowInsecureHttp",
    "boolean",
    "must be a boolean",
  ]]);
});

const respondWith = (body: string, status = 200) =>
  createClient({
    accessToken: "t",
    url: "https://api.example",
    retry: false,
    fetch: () =>
      Promise.resolve(
        new Response(body, { status, headers: { "content-type": "application/json" } }),
      ),
  });

test("a response with unknown fields and unknown enum values passes through unchanged", async () => {
  const body = {
    id: ID,
    status: "suspended",
    ownerType: "robot",
    _type: "apiToken",
    future: { a: 1 },
  };
  const token = await getToken(respondWith(JSON.stringify(body)), {
    instanceId: ID,
    apiTokenId: ID,
  });
  assert.equal(token, body);
});

test("a non-JSON body, a missing or malformed id → LosantResponseError", async () => {
  for (
    const body of [
      "<html>oops</html>",
      JSON.stringify({ name: "x" }),
      JSON.stringify({ id: "42" }),
      "[]",
    ]
  ) {
    try {
      await getToken(respondWith(body), { instanceId: ID, apiTokenId: ID });
      assert.unreachable(`accepted ${body}`);
    } catch (error) {
      assert.instance(error, LosantResponseError, String(error));
      assert.is((error as LosantResponseError).statusCode, 200);
    }
  }
  try {
    await listTokensPage(respondWith(JSON.stringify({ items: [{ id: 7 }], totalCount: 1 })), {
      instanceId: ID,
    });
    assert.unreachable();
  } catch (error) {
    assert.instance(error, LosantResponseError);
    assert.match((error as Error).message, /items\.0\.id/);
  }
});

test("middleware that changes the request after validation is the caller's own business", async () => {
  // Validation guards params; a middleware can still aim elsewhere, and the server answers.
  const aimed = use(f.client, (ctx, next) => {
    ctx.query.extra = "1";
    return next();
  });
  await getToken(aimed, { instanceId: f.instanceId, apiTokenId: f.apiTokenId });
  assert.is(f.server.requests[f.server.requests.length - 1].query.extra, "1");
});

test.run();
