/**
 * The fetch a client sends with when its options name none (src/fetch/default/): httpFetch
 * (node:http) on Node, the runtime's own fetch on Deno and Bun, and Node's own fetch again
 * while a proxy variable or an undici global dispatcher is set. An explicit `fetch` wins.
 * Proxies, dispatchers installed before the import and private CAs end to end, in child
 * processes: test/default-fetch-network.test.ts.
 *
 * How the transports are told apart, from behaviour alone: the runtime's fetch is looked up
 * on globalThis per call, so a counting wrapper put there sees every call that goes through
 * it; and Node's fetch (undici) sends `sec-fetch-mode`, which node:http never does. So the
 * first test fails if the Node default ever falls back to the global fetch.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import process from "node:process";
import { createClient, getToken } from "../mod.ts";
import { type FakeLosant, startFakeLosant } from "../src/testing/mod.ts";

const RUNTIME = "Deno" in globalThis ? "deno" : "Bun" in globalThis ? "bun" : "node";
const PROXY_VARIABLES = ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"];

let server: FakeLosant;
let accessToken: string;
let params: { instanceId: string; apiTokenId: string };

test.before(async () => {
  server = await startFakeLosant({ seed: { instances: 1, tokensPerInstance: 1 } });
  accessToken = server.issueAccessToken(["all.Instance"]).token;
  const instanceId = server.instanceIds[0]!;
  params = { instanceId, apiTokenId: server.store.listTokens(instanceId)[0]!.id };
});
test.after(() => server.close());
test.before.each(() => server.clearRequests());

/**
 * Runs `body` with a counting wrapper on globalThis.fetch and with the proxy variables unset
 * (a machine's own proxy must not decide the test), restoring both after.
 */
async function counting(body: (calls: () => number) => Promise<void>): Promise<void> {
  const original = globalThis.fetch;
  const saved = RUNTIME === "node" ? withoutProxyVariables() : () => {};
  let calls = 0;
  globalThis.fetch = ((input: RequestInfo | URL, init?: RequestInit) => {
    calls += 1;
    return original(input, init);
  }) as typeof fetch;
  try {
    await body(() => calls);
  } finally {
    globalThis.fetch = original;
    saved();
  }
}

function withoutProxyVariables(): () => void {
  const names = [...PROXY_VARIABLES, "NODE_USE_ENV_PROXY"];
  const saved = names.map((name) => [name, process.env[name]] as const);
  for (const name of names) delete process.env[name];
  return () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

const call = (options: Record<string, unknown> = {}) =>
  getToken(createClient({ accessToken, url: server.url, retry: false, ...options }), params);

/** Whether the last request the server saw came from Node's own fetch (undici). */
const fromUndiciFetch = () => server.requests.at(-1)!.headers["sec-fetch-mode"] !== undefined;

test("no fetch option: node:http on Node, the runtime's own fetch on Deno and Bun", async () => {
  await counting(async (calls) => {
    const token = await call();
    assert.is(token.id, params.apiTokenId);
    assert.is(server.requests.length, 1);
    if (RUNTIME === "node") {
      assert.is(calls(), 0, "Node's default went through globalThis.fetch");
      assert.not.ok(fromUndiciFetch(), "the server saw Node's fetch, not node:http");
    } else {
      assert.is(calls(), 1, `${RUNTIME}'s default should be its own fetch`);
    }
  });
});

test("an explicit fetch option wins over the default", async () => {
  await counting(async (calls) => {
    let mine = 0;
    await call({
      fetch: (input: RequestInfo | URL, init?: RequestInit) => {
        mine += 1;
        return globalThis.fetch(input, init);
      },
    });
    assert.is(mine, 1);
    assert.is(calls(), 1, "the explicit fetch called the global one, once");
  });
});

if (RUNTIME === "node") await nodeTests();

test.run();

async function nodeTests(): Promise<void> {
  const undici = await import("undici");
  const { globalFetchReason } = await import("../src/fetch/default/node.ts");

  test("node: each proxy variable keeps Node's own fetch the default; unset, node:http again", async () => {
    for (const name of [...PROXY_VARIABLES, "NODE_USE_ENV_PROXY"]) {
      await counting(async (calls) => {
        // A proxy Node 20's fetch does not read without a dispatcher, and Node 22/24's only
        // with NODE_USE_ENV_PROXY at start-up: this process goes direct either way.
        process.env[name] = name === "NODE_USE_ENV_PROXY" ? "1" : "http://127.0.0.1:9";
        await call();
        assert.is(calls(), 1, `${name} set: the global fetch`);
        assert.ok(fromUndiciFetch(), `${name} set: Node's fetch on the wire`);
        delete process.env[name];
        await call();
        assert.is(calls(), 1, `${name} unset: node:http again`);
        assert.not.ok(fromUndiciFetch(), `${name} unset: node:http on the wire`);
      });
    }
  });

  test("node: globalFetchReason names the variable or flag, never its value", () => {
    const secret = "http://user:pa55@proxy.example:3128";
    assert.is(globalFetchReason({}, []), undefined);
    assert.is(globalFetchReason({ HTTPS_PROXY: "" }, []), undefined, "empty is unset");
    for (const name of PROXY_VARIABLES) assert.is(globalFetchReason({ [name]: secret }, []), name);
    assert.is(globalFetchReason({ NODE_USE_ENV_PROXY: "1" }, []), "NODE_USE_ENV_PROXY");
    assert.is(globalFetchReason({}, ["--use-env-proxy"]), "--use-env-proxy");
    const options = "--max-old-space-size=64 --use-env-proxy";
    assert.is(globalFetchReason({ NODE_OPTIONS: options }, []), "--use-env-proxy");
    assert.is(globalFetchReason({ NODE_OPTIONS: "--use-env-proxyish" }, []), undefined);
  });

  test("node: a dispatcher installed after the import, even a plain Agent, keeps Node's fetch, which sends through it", async () => {
    const original = undici.getGlobalDispatcher();
    let dispatched = 0;
    const agent = new undici.Agent();
    const counted = agent.compose((dispatch) => (options, handler) => {
      dispatched += 1;
      return dispatch(options, handler);
    });
    try {
      undici.setGlobalDispatcher(counted);
      await counting(async (calls) => {
        await call();
        assert.is(calls(), 1, "the global fetch, which reads the installed dispatcher");
        assert.is(dispatched, 1, "the request went through the app's dispatcher");
      });
      undici.setGlobalDispatcher(agent);
      await counting(async (calls) => {
        await call();
        assert.is(calls(), 1, "a plain Agent installed after the import is the app's too");
      });
    } finally {
      undici.setGlobalDispatcher(original);
      await agent.close();
    }
    await counting(async (calls) => {
      await call();
      assert.is(calls(), 0, "Node's own dispatcher back: node:http again");
    });
  });
}
