import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  createClient,
  deleteToken,
  getToken,
  listTokensPage,
  LosantValidationError,
  patchToken,
  use,
} from "../mod.ts";
import { watchTokens } from "../src/events/mod.ts";
import { startFakeLosant } from "../src/testing/mod.ts";
import { type Fixture, startFixture } from "./support/fixture.ts";

// Issue 12, items 1-3: unknown keys, values that pass a loose check but break at run time,
// and validation messages that must never quote what they were given.

let f: Fixture;
test.before(async () => {
  f = await startFixture();
});
test.after(() => f.server.close());

const ID = "a".repeat(24);
const SECRET = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzZWNyZXQifQ.SECRET-SIGNATURE";

/** Runs `run`, expects a LosantValidationError, and that nothing reached the server. */
async function refused(run: () => unknown): Promise<LosantValidationError> {
  const before = f.server.requests.length;
  let error: unknown;
  try {
    await run();
  } catch (e) {
    error = e;
  }
  assert.instance(error, LosantValidationError, `expected a LosantValidationError, got ${error}`);
  assert.is(f.server.requests.length, before, "a request was sent");
  return error as LosantValidationError;
}

function issueAt(error: LosantValidationError, path: string) {
  const issue = error.issues.find((i) => i.path === path);
  assert.ok(issue, `no issue for ${path} in: ${error.message}`);
  return issue!;
}

const params = () => ({ instanceId: f.instanceId, apiTokenId: f.apiTokenId });

test("an unknown key names itself and the key it may have meant, at every level", async () => {
  const cases: Array<[string, () => unknown, string, string]> = [
    [
      "a param in another case",
      () => getToken(f.client, { ...params(), losantDomain: "x" } as never),
      "losantDomain",
      "losantdomain",
    ],
    [
      "a call option with a typo",
      () => getToken(f.client, params(), { timeot: 5 } as never),
      "timeot",
      "timeout",
    ],
    [
      "a retry option with a swap",
      () => deleteToken(f.client, params(), { retry: { retires: 2 } } as never),
      "retry.retires",
      "retries",
    ],
    [
      "a patch field",
      () => patchToken(f.client, { ...params(), apiToken: { Status: "inactive" } as never }),
      "apiToken.Status",
      "status",
    ],
    [
      "a list param",
      () => listTokensPage(f.client, { instanceId: ID, fitler: "ci-*" } as never),
      "fitler",
      "filter",
    ],
    [
      "an org role field",
      () =>
        patchToken(f.client, {
          ...params(),
          apiToken: { orgRoles: [{ orgId: "sandbox", role: "view", rol: "x" }] as never },
        }),
      "apiToken.orgRoles.0.rol",
      "role",
    ],
  ];
  for (const [label, run, path, meant] of cases) {
    const error = await refused(run);
    const issue = issueAt(error, path);
    assert.is(issue.rule, "unknown_key", label);
    assert.ok(error.message.includes(`did you mean ${meant}?`), `${label}: ${error.message}`);
  }
});

test("createClient: an unknown option is refused with a suggestion, before anything is sent", () => {
  const expect = (options: unknown, path: string, meant?: string) => {
    try {
      createClient(options as never);
    } catch (error) {
      assert.instance(error, LosantValidationError);
      const e = error as LosantValidationError;
      assert.is(issueAt(e, path).rule, "unknown_key");
      if (meant) assert.ok(e.message.includes(`did you mean ${meant}?`), e.message);
      else assert.not.ok(e.message.includes("did you mean"), e.message);
      assert.ok(e.message.startsWith("Invalid createClient options:"), e.message);
      return;
    }
    assert.unreachable(`accepted ${path}`);
  };
  expect({ accessToken: "t", baseUrl: "http://127.0.0.1:1" }, "baseUrl", "url");
  expect({ accessToken: "t", acceptversion: "1" }, "acceptversion", "acceptVersion");
  expect({ accessToken: "t", retry: { minTimeot: 1 } }, "retry.minTimeot", "minTimeout");
  expect({ accessToken: "t", colour: "blue" }, "colour");
});

test("apiToken that is an array, a Date, a Map or a class instance is refused", async () => {
  class Patch {
    status = "inactive";
  }
  for (const apiToken of [[], new Date(), new Map(), new Patch(), "inactive", null]) {
    const error = await refused(() =>
      patchToken(f.client, { ...params(), apiToken: apiToken as never })
    );
    assert.is(issueAt(error, "apiToken").rule, "strict_object", error.message);
  }
  // A plain object without a prototype is still a plain object.
  const bare = Object.assign(Object.create(null), { status: "active" });
  const token = await patchToken(f.client, { ...params(), apiToken: bare });
  assert.is(token.status, "active");
});

test("params and options that are not plain objects are refused: arrays, Dates, Maps", async () => {
  for (const bad of [[], new Date(), new Map()]) {
    await refused(() => getToken(f.client, bad as never));
    await refused(() => getToken(f.client, params(), bad as never));
    await refused(() => getToken(f.client, params(), { retry: bad as never }));
  }
});

test("signal: a look-alike is a validation error, not a TypeError", async () => {
  for (const signal of [{ aborted: false }, { aborted: false, addEventListener() {} }, "x"]) {
    const error = await refused(() => getToken(f.client, params(), { signal: signal as never }));
    assert.is(issueAt(error, "signal").message, "must be an AbortSignal");
  }
  // The real one still works.
  await getToken(f.client, params(), { signal: new AbortController().signal });
});

test("deadline: an invalid Date is refused", async () => {
  const error = await refused(() =>
    getToken(f.client, params(), { deadline: new Date("not a date") })
  );
  issueAt(error, "deadline");
});

test("a base URL with a ?query, a #fragment or credentials is refused", () => {
  for (
    const url of [
      "http://127.0.0.1:1/?x=1",
      "http://127.0.0.1:1/#top",
      "http://127.0.0.1:1?",
      "http://user:pass@127.0.0.1:1",
      "https://user@api.losant.com",
    ]
  ) {
    try {
      createClient({ accessToken: "t", url });
      assert.unreachable(`accepted ${url}`);
    } catch (error) {
      assert.instance(error, LosantValidationError);
      const issue = issueAt(error as LosantValidationError, "url");
      assert.is(issue.rule, "check");
      assert.not.ok((error as Error).message.includes(url), "the URL is quoted");
    }
  }
  // A base path is honoured, and the trailing slash does not double.
  assert.is(
    createClient({ accessToken: "t", url: "https://proxy.example/losant/" }).url,
    "https://proxy.example/losant",
  );
});

test("a base path is honoured on the wire", async () => {
  // The embedded server is at the root; a proxy path is seen as a prefix of every call.
  const client = createClient({
    accessToken: f.accessToken,
    url: `${f.server.url}/prefix/`,
    retry: false,
    fetch: (input, init) => {
      const request = new Request(input, init);
      assert.ok(new URL(request.url).pathname.startsWith("/prefix/instances/"), request.url);
      return fetch(request.url.replace("/prefix", ""), request);
    },
  });
  const token = await getToken(client, params());
  assert.is(token.id, f.apiTokenId);
});

const hostile = ["\0", "a\x01b", "x\x7f", "tab\there", "line\nbreak", "snow☃", "emoji😀", "\u0085"];

test("access token, losantdomain, acceptVersion, userAgent: control and non-Latin-1 refused", async () => {
  for (const bad of hostile) {
    for (const key of ["accessToken", "losantdomain", "acceptVersion", "userAgent"]) {
      try {
        createClient({ accessToken: "t", [key]: `ok${bad}` } as never);
        assert.unreachable(`${key} accepted ${JSON.stringify(bad)}`);
      } catch (error) {
        assert.instance(error, LosantValidationError);
        issueAt(error as LosantValidationError, key);
      }
    }
    const error = await refused(() => getToken(f.client, { ...params(), losantdomain: `d${bad}` }));
    issueAt(error, "losantdomain");
  }
  // Latin-1 is what a header can carry: accepted.
  createClient({ accessToken: "t", losantdomain: "café.example", userAgent: "bot/1 (ü)" });
});

test("a header a middleware set with a control character fails at once, not as a retried network error", async () => {
  const client = use(
    f.clientWith(["all.Instance"], { retry: { retries: 3, minTimeout: 1, maxTimeout: 1 } }),
    (ctx, next) => {
      ctx.headers["x-trace"] = "a\r\nx-evil: 1";
      return next();
    },
  );
  const error = await refused(() => getToken(client, params()));
  assert.is(issueAt(error, "headers.x-trace").rule, "header");
  assert.not.ok(error.message.includes("evil"));
  assert.is(error.attempts ?? 1, 1, "retried");
});

test("use() refuses middleware that is not a function", async () => {
  await refused(() => use(f.client, "not a function" as never));
});

test("a token passed where options or params belong is never quoted", async () => {
  const runs: Array<[string, () => unknown]> = [
    ["createClient(token)", () => createClient(SECRET as never)],
    [
      "createClient({ accessToken: [token] })",
      () => createClient({ accessToken: [SECRET] } as never),
    ],
    ["getToken(client, token)", () => getToken(f.client, SECRET as never)],
    ["getToken(client, params, token)", () => getToken(f.client, params(), SECRET as never)],
    [
      "deleteToken(client, params, { retry: token })",
      () => deleteToken(f.client, params(), { retry: SECRET as never }),
    ],
    [
      "patchToken(client, { apiToken: token })",
      () => patchToken(f.client, { ...params(), apiToken: SECRET as never }),
    ],
    [
      "patchToken name too long",
      () => patchToken(f.client, { ...params(), apiToken: { name: SECRET.repeat(20) } }),
    ],
    ["watchTokens(client, token)", () => watchTokens(f.client, SECRET as never)],
    [
      "getToken with the token as a key",
      () => getToken(f.client, { ...params(), [SECRET]: true } as never),
    ],
  ];
  for (const [label, run] of runs) {
    const error = await refused(run);
    for (const text of [error.message, JSON.stringify(error), String(error.stack)]) {
      assert.not.ok(text.includes("SECRET"), `${label} quotes the value: ${error.message}`);
      assert.not.ok(text.includes("eyJ"), `${label} quotes part of the value: ${error.message}`);
    }
  }
});

test("a throwing getter or a Proxy trap is a validation error, and what it threw is not shown", async () => {
  const throwing = (value: object, key: string) =>
    Object.defineProperty(value, key, {
      enumerable: true,
      get() {
        throw new Error(`getter ${SECRET}`);
      },
    });
  const proxy = new Proxy({}, {
    ownKeys() {
      throw new Error(`trap ${SECRET}`);
    },
    getPrototypeOf() {
      throw new Error(`trap ${SECRET}`);
    },
  });
  for (const hostile of [false, true]) {
    const input = (value: object, key: string) => hostile ? proxy : throwing(value, key);
    for (
      const run of [
        () => getToken(f.client, input({ instanceId: ID }, "apiTokenId") as never),
        () => getToken(f.client, params(), input({}, "timeout") as never),
        () => patchToken(f.client, { ...params(), apiToken: input({}, "name") as never }),
        () => createClient(input({}, "accessToken") as never),
      ]
    ) {
      const error = await refused(run);
      assert.is(error.issues[0].rule, "readable", error.message);
      assert.not.ok(error.message.includes("SECRET"));
      assert.is(error.cause, undefined, "what the getter threw is not attached");
    }
  }
});

test("the embedded server refuses unknown options too", async () => {
  for (const options of [{ sede: false }, { seed: { instance: 1 } }, { port: -1 }, []]) {
    try {
      const server = await startFakeLosant(options as never);
      await server.close();
      assert.unreachable(`accepted ${JSON.stringify(options)}`);
    } catch (error) {
      assert.instance(error, LosantValidationError, String(error));
    }
  }
  const error = await startFakeLosant({ sede: false } as never).catch((e) => e);
  assert.ok(error.message.includes("did you mean seed?"), error.message);
  // Inside `false | {...}`, the object's own issue, with its path and its suggestion.
  const inner = await startFakeLosant({ seed: { instance: 1 } } as never).catch((e) => e);
  assert.equal(inner.issues, [{
    path: "seed.instance",
    rule: "unknown_key",
    message: "is not a known field (did you mean instances?)",
  }]);
});

test.run();
