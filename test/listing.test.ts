/**
 * Paging ends on the counts the API returns, not on a short page: the decision as a table,
 * and listTokens / selectTokens against a server that serves smaller pages than asked.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createClient, listTokens, LosantValidationError } from "../mod.ts";
import { selectTokens } from "../src/batch/mod.ts";
import { nextPage, type PageSeen } from "../src/listing/paging.ts";
import { readListing } from "../src/listing/read-listing.ts";
import { startFakeLosant } from "../src/testing/mod.ts";

const ROWS: [string, PageSeen, ReturnType<typeof nextPage>][] = [
  ["a full page, more to come", { page: 0, perPage: 100, items: 100, seen: 100, total: 250 }, {
    done: false,
    page: 1,
    perPage: 100,
  }],
  ["the counts reached", { page: 2, perPage: 100, items: 50, seen: 250, total: 250 }, {
    done: true,
    complete: true,
  }],
  ["a capped page, the server says its size", {
    page: 0,
    perPage: 1000,
    items: 100,
    seen: 100,
    total: 10_000,
    servedPerPage: 100,
  }, { done: false, page: 1, perPage: 100 }],
  ["a capped page, the server claims the asked size", {
    page: 0,
    perPage: 1000,
    items: 100,
    seen: 100,
    total: 10_000,
    servedPerPage: 1000,
  }, { done: false, page: 1, perPage: 100 }],
  ["an empty page before the counts: the end, incomplete", {
    page: 3,
    perPage: 100,
    items: 0,
    seen: 300,
    total: 310,
  }, { done: true, complete: false }],
  ["an empty first page of an empty instance", {
    page: 0,
    perPage: 100,
    items: 0,
    seen: 0,
    total: 0,
  }, {
    done: true,
    complete: true,
  }],
  ["a short page that offsets cannot continue from", {
    page: 1,
    perPage: 100,
    items: 30,
    seen: 130,
    total: 200,
  }, { done: true, complete: false }],
];

for (const [name, seen, expected] of ROWS) {
  test(`nextPage: ${name}`, () => assert.equal(nextPage(seen), expected));
}

/** A client whose fetch makes the server serve at most `cap` items a page, as a cap would. */
function cappedClient(url: string, accessToken: string, cap: number, claimAsked = false) {
  const asked: number[] = [];
  const capped: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const u = new URL(request.url);
    const perPage = Number(u.searchParams.get("perPage") ?? 100);
    asked.push(perPage);
    if (perPage > cap) u.searchParams.set("perPage", String(cap));
    const response = await fetch(new Request(u, request));
    if (!claimAsked) return response;
    const body = await response.json();
    return Response.json({ ...body, perPage }, { status: response.status });
  };
  return { client: createClient({ accessToken, url, fetch: capped, retry: false }), asked };
}

test("listTokens({ perPage: 1000 }) against a server capping pages at 100 lists all 250", async () => {
  const server = await startFakeLosant({ seed: { instances: 1, tokensPerInstance: 250 } });
  try {
    const instanceId = server.instanceIds[0]!;
    for (const claimAsked of [false, true]) {
      const { client } = cappedClient(
        server.url,
        server.issueAccessToken(["all.Instance"]).token,
        100,
        claimAsked,
      );
      const ids = new Set<string>();
      for await (const t of listTokens(client, { instanceId, perPage: 1000 })) ids.add(t.id);
      assert.is(ids.size, server.store.listTokens(instanceId).length, `claimAsked ${claimAsked}`);
      const listing = await readListing(client, { instanceId, perPage: 1000 });
      assert.ok(listing.consistent);
      assert.is(listing.tokens.size, ids.size);
      const selected = [];
      for await (const item of selectTokens(client, { instanceIds: [instanceId], perPage: 1000 })) {
        selected.push(item);
      }
      assert.is(selected.length, ids.size);
    }
  } finally {
    await server.close();
  }
});

test("an empty page ends the listing; a listing whose counts said more is inconsistent", async () => {
  const server = await startFakeLosant({ seed: { instances: 1, tokensPerInstance: 5 } });
  try {
    const instanceId = server.instanceIds[0]!;
    let calls = 0;
    const liar: typeof fetch = () => {
      calls++;
      return Promise.resolve(
        Response.json({ items: [], count: 0, totalCount: 7, perPage: 100, page: 0 }),
      );
    };
    const client = createClient({
      accessToken: server.issueAccessToken(["all.Instance"]).token,
      url: server.url,
      fetch: liar,
      retry: false,
    });
    const seen = [];
    for await (const t of listTokens(client, { instanceId })) seen.push(t);
    assert.equal(seen, []);
    assert.is(calls, 1, "one request, not a loop");
    const listing = await readListing(client, { instanceId });
    assert.not.ok(listing.consistent);
  } finally {
    await server.close();
  }
});

test("listTokens refuses an unknown option key at once, naming it, sending nothing", async () => {
  const server = await startFakeLosant({ seed: { instances: 1, tokensPerInstance: 1 } });
  try {
    const client = createClient({
      accessToken: server.issueAccessToken(["all.Instance"]).token,
      url: server.url,
    });
    const instanceId = server.instanceIds[0]!;
    const error = (() => {
      try {
        listTokens(client, { instanceId }, { timeuot: 5 } as never);
      } catch (e) {
        return e;
      }
    })();
    assert.instance(error, LosantValidationError);
    assert.match(String(error), /timeuot/);
    assert.is(server.requests.length, 0);
  } finally {
    await server.close();
  }
});

test.run();
