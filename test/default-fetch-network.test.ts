/**
 * The default fetch between a client and a private Losant install: a proxy named by the
 * environment, an undici dispatcher installed before losant-tokens is imported, a private CA.
 * Each case runs in a child process of the runtime under test (proxy variables and
 * NODE_EXTRA_CA_CERTS are read at start-up, a dispatcher must be there before the import),
 * against the embedded server in this process. Which fetch ran is told by behaviour: the
 * child counts the calls that go through globalThis.fetch, and the proxy lists what it saw.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import process from "node:process";
import { createClient, getToken, LosantNetworkError } from "../mod.ts";
import { type FakeLosant, startFakeLosant } from "../src/testing/mod.ts";
import { CERT, CERT_FILE, forwardProxy, runScript, tlsFront } from "./support/net-fronts.ts";
import { getTokenScript } from "./support/get-token-script.ts";

const RUNTIME = "Deno" in globalThis ? "deno" : "Bun" in globalThis ? "bun" : "node";
const [MAJOR, MINOR] = process.versions.node.split(".").map(Number) as [number, number];
/** Node's fetch reads the proxy variables with NODE_USE_ENV_PROXY from 22.21 and 24.0. */
const NODE_READS_PROXY_VARIABLES = MAJOR > 22 || (MAJOR === 22 && MINOR >= 21);
/** Unset in every child: a machine's own proxy settings must not decide a test. */
const NO_PROXY_VARIABLES = {
  HTTPS_PROXY: undefined,
  https_proxy: undefined,
  HTTP_PROXY: undefined,
  http_proxy: undefined,
  NO_PROXY: undefined,
  no_proxy: undefined,
  NODE_USE_ENV_PROXY: undefined,
};

let server: FakeLosant;
let env: Record<string, string | undefined>;
let apiTokenId: string;

test.before(async () => {
  server = await startFakeLosant({ seed: { instances: 1, tokensPerInstance: 1 } });
  const instanceId = server.instanceIds[0]!;
  apiTokenId = server.store.listTokens(instanceId)[0]!.id;
  env = {
    ...NO_PROXY_VARIABLES,
    T: server.issueAccessToken(["all.Instance"]).token,
    U: server.url,
    P: JSON.stringify({ instanceId, apiTokenId }),
  };
});
test.after(() => server.close());

test("HTTP_PROXY: the default reaches the API through the proxy (Node: with NODE_USE_ENV_PROXY, from 22.21)", async () => {
  const proxy = await forwardProxy();
  try {
    const child = await runScript(getTokenScript(), {
      ...env,
      HTTP_PROXY: proxy.url,
      ...(RUNTIME === "node" ? { NODE_USE_ENV_PROXY: "1" } : {}),
    });
    assert.is(child.code, 0, child.stderr);
    // Deno's and Bun's default is their own fetch; on Node the variables keep Node's.
    assert.equal(JSON.parse(child.stdout), { id: apiTokenId, through: 1 });
    const host = new URL(server.url).host;
    if (RUNTIME === "node" && !NODE_READS_PROXY_VARIABLES) {
      // What README says: Node 20's fetch reads no proxy variable by itself.
      assert.equal(proxy.seen, [], "Node 20's fetch went direct");
    } else {
      assert.equal(proxy.seen.map((line) => line.replace(/^(CONNECT|GET) /, "")), [host]);
    }
  } finally {
    await proxy.close();
  }
});

if (RUNTIME === "node") {
  const https = await import("node:https");
  const { createHttpFetch } = await import("../src/fetch/http-fetch.ts");

  test("node: a dispatcher installed before losant-tokens is imported: a ProxyAgent and an Agent given options are honoured, undici's plain default is not mistaken for one", async () => {
    const proxy = await forwardProxy();
    try {
      const proxied = await runScript(
        getTokenScript({
          before: `const undici = await import("undici");
          undici.setGlobalDispatcher(new undici.ProxyAgent(process.env.PROXY));`,
        }),
        { ...env, PROXY: proxy.url },
      );
      assert.is(proxied.code, 0, proxied.stderr);
      assert.equal(JSON.parse(proxied.stdout), { id: apiTokenId, through: 1 });
      assert.equal(proxy.seen, [`CONNECT ${new URL(server.url).host}`], "through the ProxyAgent");
      // Importing undici installs its default Agent when Node's fetch has not loaded yet: no
      // choice of the app's, so node:http stays the default.
      const plain = await runScript(getTokenScript({ before: `await import("undici");` }), env);
      assert.is(plain.code, 0, plain.stderr);
      assert.equal(JSON.parse(plain.stdout), { id: apiTokenId, through: 0 });
      // An Agent given options (its own CA, a keep-alive time) is the app's choice: Node's fetch
      // stays, so the requests go through that Agent.
      for (const options of ["{ connect: { ca: process.env.CA } }", "{ keepAliveTimeout: 1234 }"]) {
        const configured = await runScript(
          getTokenScript({
            before: `const undici = await import("undici");
            undici.setGlobalDispatcher(new undici.Agent(${options}));`,
          }),
          { ...env, CA: CERT },
        );
        assert.is(configured.code, 0, configured.stderr);
        assert.equal(JSON.parse(configured.stdout), { id: apiTokenId, through: 1 }, options);
      }
    } finally {
      await proxy.close();
    }
  });

  test("node: fetch: httpFetch goes direct under NODE_USE_ENV_PROXY, which on 22.21+ proxies node:http's global agent in the same process", async () => {
    const proxy = await forwardProxy();
    try {
      const child = await runScript(
        `import process from "node:process";
        import http from "node:http";
        const { createClient, getToken } = await import("./mod.ts");
        const { httpFetch } = await import("./src/fetch/http-fetch.ts");
        const client = createClient({
          accessToken: process.env.T, url: process.env.U, retry: false, fetch: httpFetch,
        });
        const token = await getToken(client, JSON.parse(process.env.P));
        // The global agent, in the same process: does the variable reach node:http here?
        const status = await new Promise((resolve) =>
          http.get(process.env.U + "/health", (res) => (res.resume(), resolve(res.statusCode)))
            .on("error", (error) => resolve(error.code))
        );
        console.log(JSON.stringify({ id: token.id, status }));`,
        { ...env, HTTP_PROXY: proxy.url, NODE_USE_ENV_PROXY: "1" },
      );
      assert.is(child.code, 0, child.stderr);
      const result = JSON.parse(child.stdout) as { id: string; status: unknown };
      assert.is(result.id, apiTokenId);
      const host = new URL(server.url).host;
      // README, Proxies: httpFetch's own agents read no proxy variable. Only the global agent's
      // request may reach the proxy, and only where Node proxies node:http.
      assert.equal(proxy.seen, NODE_READS_PROXY_VARIABLES ? [`GET ${host}`] : []);
    } finally {
      await proxy.close();
    }
  });

  test("node: https with a private CA: refused by default, trusted through an agent or NODE_EXTRA_CA_CERTS", async () => {
    const tls = await tlsFront(server.url);
    const params = JSON.parse(env.P!);
    const client = (options: Record<string, unknown> = {}) =>
      createClient({ accessToken: env.T!, url: tls.url, retry: false, ...options });
    const httpsAgent = new https.Agent({ keepAlive: true, ca: CERT });
    try {
      const untrusted = await getToken(client(), params).then(() => undefined, (e) => e);
      assert.instance(untrusted, LosantNetworkError, "a self-signed server is refused");
      assert.match(String((untrusted as Error).message), /certificate/i);

      const token = await getToken(client({ fetch: createHttpFetch({ httpsAgent }) }), params);
      assert.is(token.id, apiTokenId, "createHttpFetch with the CA on its agent");

      const child = await runScript(getTokenScript(), {
        ...env,
        U: tls.url,
        NODE_EXTRA_CA_CERTS: CERT_FILE,
      });
      assert.is(child.code, 0, child.stderr);
      assert.equal(JSON.parse(child.stdout), { id: apiTokenId, through: 0 }, "over node:http");
    } finally {
      httpsAgent.destroy();
      await tls.close();
    }
  });
}

test.run();
