import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  after,
  before,
  compose,
  getToken,
  LosantApiError,
  LosantResponseError,
  type Middleware,
  onError,
  perCall,
  type RequestContext,
  use,
} from "../mod.ts";
import { type Fixture, startFixture } from "./support/fixture.ts";

let f: Fixture;
test.before.each(async () => {
  f = await startFixture();
});
test.after.each(() => f.server.close());

const params = () => ({ instanceId: f.instanceId, apiTokenId: f.apiTokenId });

test("compose runs the onion in order and guards next() called twice", async () => {
  const trail: string[] = [];
  const mark = (name: string): Middleware => async (_ctx, next) => {
    trail.push(`${name}>`);
    await next();
    trail.push(`<${name}`);
  };
  const run = compose([mark("a"), mark("b")]);
  await run({} as RequestContext, () => {
    trail.push("end");
    return Promise.resolve();
  });
  assert.equal(trail, ["a>", "b>", "end", "<b", "<a"]);

  const twice = compose([async (_ctx, next) => {
    await next();
    await next();
  }]);
  try {
    await twice({} as RequestContext, () => Promise.resolve());
    assert.unreachable();
  } catch (error) {
    assert.match((error as Error).message, /next\(\) called multiple times/);
  }
});

test("middleware added with use() runs in order; the original client is unchanged", async () => {
  const trail: string[] = [];
  const tag = (name: string): Middleware => async (ctx, next) => {
    trail.push(`${name}:${ctx.action}`);
    await next();
  };
  const one = use(f.client, tag("first"));
  const two = use(one, tag("second"));
  assert.is(f.client.middleware.length, 0);
  assert.is(one.middleware.length, 1);
  assert.ok(Object.isFrozen(two));
  await getToken(two, params());
  assert.equal(trail, ["first:getToken", "second:getToken"]);
  trail.length = 0;
  await getToken(f.client, params());
  assert.equal(trail, []);
});

test("user middleware sees the request before it is sent, never the access token", async () => {
  let seen: RequestContext | undefined;
  const spy = use(f.client, async (ctx, next) => {
    ctx.headers["x-custom"] = "yes";
    await next();
    seen = ctx;
  });
  await getToken(spy, params());
  assert.is(f.server.requests.at(-1)!.headers["x-custom"], "yes");
  assert.is(seen!.response!.status, 200);
  assert.not.ok(JSON.stringify({ ...seen, signal: undefined }).includes(f.accessToken));
  assert.not.ok(Object.values(seen!.headers).some((v) => v.includes(f.accessToken)));
});

test("a middleware can short-circuit with a result: nothing is sent", async () => {
  const cached = { id: f.apiTokenId, name: "from cache" };
  const cache = use(f.client, (ctx, _next) => {
    ctx.result = cached;
  });
  const before = f.server.requests.length;
  const token = await getToken(cache, params());
  assert.equal(token, cached);
  assert.is(f.server.requests.length, before);
});

test("a middleware can transform the response and handle errors", async () => {
  const upper = use(f.client, async (ctx, next) => {
    await next();
    const body = ctx.response!.body as { name: string };
    body.name = body.name.toUpperCase();
  });
  const token = await getToken(upper, params());
  assert.is(token.name, f.server.store.getToken(f.instanceId, f.apiTokenId)!.name.toUpperCase());

  const recover = use(f.client, async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      if (error instanceof LosantApiError && error.statusCode === 404) {
        ctx.result = { id: ctx.apiTokenId, missing: true };
      } else throw error;
    }
  });
  const missing = await getToken(recover, { instanceId: f.instanceId, apiTokenId: "0".repeat(24) });
  assert.equal(missing, { id: "0".repeat(24), missing: true });
});

test("per-attempt middleware runs on every attempt, per-call once (retries visible)", async () => {
  const perAttempt: number[] = [];
  const once: number[] = [];
  const client = use(
    f.clientWith(["all.Instance"], { retry: { retries: 3, minTimeout: 1, maxTimeout: 5 } }),
    (ctx, next) => {
      perAttempt.push(ctx.attempt);
      return next();
    },
    perCall((ctx, next) => {
      once.push(ctx.attempt);
      return next();
    }),
  );
  f.server.faults.add({ action: "get", status: 503, times: 2 });
  await getToken(client, params());
  assert.equal(perAttempt, [1, 2, 3]);
  assert.equal(once, [0]);
  const ids = f.server.requests.filter((r) => r.action === "get").map((r) => r.requestId!);
  assert.is(ids.length, 3);
  const callId = ids[0].replace(/-1$/, "");
  assert.equal(ids, [`${callId}-1`, `${callId}-2`, `${callId}-3`]);
});

test("before / after / onError hooks", async () => {
  const trail: string[] = [];
  const hooked = use(
    f.client,
    // The contract: an error hook recovers by returning the result.
    onError((error, ctx) => {
      trail.push(`error ${(error as LosantApiError).statusCode}`);
      if ((error as LosantApiError).statusCode === 404) return { id: ctx.apiTokenId };
      throw error;
    }),
    before((ctx) => {
      trail.push(`before ${ctx.method} ${ctx.attempt}`);
    }),
    after((ctx) => {
      trail.push(`after ${ctx.response?.status}`);
    }),
  );
  await getToken(hooked, params());
  const recovered = await getToken(hooked, {
    instanceId: f.instanceId,
    apiTokenId: "1".repeat(24),
  });
  assert.equal(recovered, { id: "1".repeat(24) });
  assert.equal(trail, ["before GET 1", "after 200", "before GET 1", "error 404"]);

  const skip = use(
    f.client,
    before((ctx) => {
      ctx.result = { id: ctx.apiTokenId, skipped: true };
    }),
  );
  const n = f.server.requests.length;
  assert.equal(await getToken(skip, params()), { id: f.apiTokenId, skipped: true });
  assert.is(f.server.requests.length, n);
});

test("a middleware that calls next() twice fails the call", async () => {
  const bad = use(f.client, async (_ctx, next) => {
    await next();
    await next();
  });
  try {
    await getToken(bad, params());
    assert.unreachable();
  } catch (error) {
    assert.match((error as Error).message, /next\(\) called multiple times/);
  }
});

test("hook contract: a logging-only onError leaves a 404 as the original LosantApiError", async () => {
  const seen: unknown[] = [];
  const missing = { instanceId: f.instanceId, apiTokenId: "2".repeat(24) };
  for (const placed of [(m: Middleware) => m, perCall]) {
    const logged = use(
      f.client,
      placed(onError((error) => {
        seen.push(error);
      })),
    );
    const error = await getToken(logged, missing).then(() => undefined, (e) => e);
    assert.instance(error, LosantApiError);
    assert.not.instance(error, LosantResponseError);
    assert.is((error as LosantApiError).statusCode, 404);
    assert.is((error as LosantApiError).type, "NotFound");
    // Unchanged: the very error the hook was given.
    assert.is(error, seen.at(-1));
  }
  assert.is(seen.length, 2);
});

test("hook contract: a recovering hook's value is the result, checked by the result schema", async () => {
  const missing = { instanceId: f.instanceId, apiTokenId: "3".repeat(24) };
  const fallback = {
    id: "3".repeat(24),
    name: "placeholder",
    status: "inactive",
    extraFromHook: 1,
  };
  const recovering = use(f.client, onError(() => fallback));
  const token = await getToken(recovering, missing);
  assert.equal(token, fallback);
  // The result went through the schema: a copy, not the hook's own object.
  assert.is.not(token, fallback);
  // Async hooks recover the same way.
  const asyncHook = use(f.client, perCall(onError(() => Promise.resolve(fallback))));
  assert.equal(await getToken(asyncHook, missing), fallback);
  // A hook that throws fails the call with what it threw.
  const replaced = new Error("replaced");
  const throwing = use(
    f.client,
    onError(() => {
      throw replaced;
    }),
  );
  await getToken(throwing, missing).then(() => assert.unreachable(), (e) => assert.is(e, replaced));
});

test("hook contract: a recovered or short-circuited value of the wrong shape is a LosantResponseError", async () => {
  const missing = { instanceId: f.instanceId, apiTokenId: "4".repeat(24) };
  const wrong = [null, { id: "not-an-id" }, { name: "no id" }, "a string"];
  for (const value of wrong) {
    const recovering = use(f.client, onError(() => value));
    const error = await getToken(recovering, missing).then(() => undefined, (e) => e);
    assert.instance(error, LosantResponseError, JSON.stringify(value));
    assert.match(
      (error as Error).message,
      /getToken's result from middleware has an unexpected shape/,
    );
    const n = f.server.requests.length;
    const short = use(
      f.client,
      before((ctx) => {
        ctx.result = value;
      }),
    );
    const shortError = await getToken(short, params()).then(() => undefined, (e) => e);
    assert.instance(shortError, LosantResponseError, `short-circuit ${JSON.stringify(value)}`);
    assert.is(f.server.requests.length, n);
  }
  // A middleware that swallows an error without recovering ends with no result: an error
  // that says so, not a made-up shape complaint about an undefined body.
  const swallowing = use(f.client, async (_ctx, next) => {
    try {
      await next();
    } catch {
      // swallowed
    }
  });
  const error = await getToken(swallowing, missing).then(() => undefined, (e) => e);
  assert.instance(error, LosantResponseError);
  assert.match((error as Error).message, /neither a response nor a result/);
});

test.run();
