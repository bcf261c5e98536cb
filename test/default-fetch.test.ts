/**
 * The fetch a client sends with when its options name none (src/fetch/default/): httpFetch
 * (node:http) on Node, the runtime's own fetch on Deno and Bun, and Node's own fetch again
 * while a proxy variable or an undici global dispatcher is set. An explicit `fetch` wins.
 *
 * How the transports are told apart, from behaviour alone: the runtime's fetch is looked up
 * on globalThis per call, so a counting wrapper put there sees every call that goes through
 * it; and Node's fetch (undici) sends `sec-fetch-mode`, which node:http never does. So the
 * first test fails if the Node default ever falls back to the global fetch.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { createClient, getToken, LosantNetworkError } from "../mod.ts";
import { type FakeLosant, startFakeLosant } from "../src/testing/mod.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const RUNTIME = "Deno" in globalThis ? "deno" : "Bun" in globalThis ? "bun" : "node";
const PROXY_VARIABLES = [
  "HTTPS_PROXY",
  "https_proxy",
  "HTTP_PROXY",
  "http_proxy",
];

let server: FakeLosant;
let accessToken: string;
let params: { instanceId: string; apiTokenId: string };

test.before(async () => {
  server = await startFakeLosant({
    seed: { instances: 1, tokensPerInstance: 1 },
  });
  accessToken = server.issueAccessToken(["all.Instance"]).token;
  const instanceId = server.instanceIds[0]!;
  params = {
    instanceId,
    apiTokenId: server.store.listTokens(instanceId)[0]!.id,
  };
});
test.after(() => server.close());
test.before.each(() => server.clearRequests());

/**
 * Runs `body` with a counting wrapper on globalThis.fetch and with the proxy variables unset
 * (a machine's own proxy must not decide the test), restoring both after.
 */
async function counting(
  body: (calls: () => number) => Promise<void>,
): Promise<void> {
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
  getToken(
    createClient({ accessToken, url: server.url, retry: false, ...options }),
    params,
  );

/** Whether the last request the server saw came from Node's own fetch (undici). */
const fromUndiciFetch = () => server.requests.at(-1)!.headers["sec-fetch-mode"] !== undefined;

test("no fetch option: node:http on Node, the runtime's own fetch on Deno and Bun", async () => {
  await counting(async (calls) => {
    const token = await call();
    assert.is(token.id, params.apiTokenId);
    assert.is(server.requests.length, 1);
    if (RUNTIME === "node") {
      assert.is(calls(), 0, "Node's default went through globalThis.fetch");
      assert.not.ok(
        fromUndiciFetch(),
        "the server saw Node's fetch, not node:http",
      );
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
  const https = await import("node:https");
  const http = await import("node:http");
  const net = await import("node:net");
  const { Buffer } = await import("node:buffer");
  const undici = await import("undici");
  const { globalFetchReason } = await import("../src/fetch/default/node.ts");
  const { createHttpFetch } = await import("../src/fetch/http-fetch.ts");

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
        assert.not.ok(
          fromUndiciFetch(),
          `${name} unset: node:http on the wire`,
        );
      });
    }
  });

  test("node: globalFetchReason names the variable or flag, never its value", () => {
    const secret = "http://user:pa55@proxy.example:3128";
    assert.is(globalFetchReason({}, []), undefined);
    assert.is(
      globalFetchReason({ HTTPS_PROXY: "" }, []),
      undefined,
      "empty is unset",
    );
    for (const name of PROXY_VARIABLES) {
      assert.is(globalFetchReason({ [name]: secret }, []), name);
    }
    assert.is(
      globalFetchReason({ NODE_USE_ENV_PROXY: "1" }, []),
      "NODE_USE_ENV_PROXY",
    );
    assert.is(globalFetchReason({}, ["--use-env-proxy"]), "--use-env-proxy");
    assert.is(
      globalFetchReason({
        NODE_OPTIONS: "--max-old-space-size=64 --use-env-proxy",
      }, []),
      "--use-env-proxy",
    );
    assert.is(
      globalFetchReason({ NODE_OPTIONS: "--use-env-proxyish" }, []),
      undefined,
    );
  });

  test("node: an undici dispatcher the app installed keeps Node's fetch, which sends through it", async () => {
    const original = undici.getGlobalDispatcher();
    let dispatched = 0;
    const agent = new undici.Agent();
    const counted = agent.compose((dispatch) => (options, handler) => {
      dispatched += 1;
      return dispatch(options, handler);
    });
    undici.setGlobalDispatcher(counted);
    try {
      await counting(async (calls) => {
        await call();
        assert.is(
          calls(),
          1,
          "the global fetch, which reads the installed dispatcher",
        );
        assert.is(
          dispatched,
          1,
          "the request went through the app's dispatcher",
        );
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

  test("node: a dispatcher installed before losant-tokens is imported: a ProxyAgent is honoured, undici's plain default is not mistaken for one", async () => {
    const proxy = await forwardProxy();
    // The dispatcher is in place before the module graph of losant-tokens is evaluated, as
    // with a --import preload or a dynamic import after setGlobalDispatcher.
    const script = (install: string) =>
      `const undici = await import("undici");
       ${install}
       const { createClient, getToken } = await import("./mod.ts");
       let through = 0;
       const original = globalThis.fetch;
       globalThis.fetch = (...args) => (through += 1, original(...args));
       const client = createClient({ accessToken: process.env.T, url: process.env.U, retry: false });
       const token = await getToken(client, JSON.parse(process.env.P));
       console.log(JSON.stringify({ id: token.id, through }));`;
    const env = { T: accessToken, U: server.url, P: JSON.stringify(params) };
    try {
      const proxied = await runNode(
        script(
          `undici.setGlobalDispatcher(new undici.ProxyAgent(process.env.PROXY));`,
        ),
        { ...env, PROXY: proxy.url },
      );
      assert.is(proxied.status, 0, proxied.stderr);
      assert.equal(JSON.parse(proxied.stdout), {
        id: params.apiTokenId,
        through: 1,
      });
      assert.equal(
        proxy.seen,
        [`CONNECT ${new URL(server.url).host}`],
        "through the ProxyAgent",
      );
      // Importing undici installs its own default Agent when Node's fetch has not loaded yet:
      // that is no choice of the app's, and node:http stays the default.
      const plain = await runNode(script(""), env);
      assert.is(plain.status, 0, plain.stderr);
      assert.equal(JSON.parse(plain.stdout), {
        id: params.apiTokenId,
        through: 0,
      });
    } finally {
      await proxy.close();
    }
  });

  test("node: with NODE_USE_ENV_PROXY and HTTP_PROXY the default reaches the API through the proxy", async () => {
    const [major, minor] = process.versions.node.split(".").map(Number) as [
      number,
      number,
    ];
    // Node's fetch reads the proxy variables from 22.21 and 24.0; Node 20's never does.
    if (major < 22 || (major === 22 && minor < 21)) return;
    const proxy = await forwardProxy();
    try {
      const child = await runNode(
        `import { createClient, getToken } from "./mod.ts";
         const client = createClient({ accessToken: process.env.T, url: process.env.U, retry: false });
         const token = await getToken(client, JSON.parse(process.env.P));
         console.log(token.id);`,
        {
          T: accessToken,
          U: server.url,
          P: JSON.stringify(params),
          NODE_USE_ENV_PROXY: "1",
          HTTP_PROXY: proxy.url,
          NO_PROXY: "",
          no_proxy: "",
        },
      );
      assert.is(child.status, 0, child.stderr);
      assert.is(child.stdout.trim(), params.apiTokenId);
      assert.equal(proxy.seen, [`CONNECT ${new URL(server.url).host}`]);
    } finally {
      await proxy.close();
    }
  });

  const cert = readFileSync(
    new URL("./support/tls/cert.pem", import.meta.url),
    "utf8",
  );
  const key = readFileSync(
    new URL("./support/tls/key.pem", import.meta.url),
    "utf8",
  );

  test("node: https with a private CA: refused by default, trusted through an agent or NODE_EXTRA_CA_CERTS", async () => {
    const tls = await tlsFront();
    try {
      const untrusted = await call({ url: tls.url }).then(
        () => undefined,
        (e) => e,
      );
      assert.instance(
        untrusted,
        LosantNetworkError,
        "a self-signed server is refused",
      );
      assert.match(String((untrusted as Error).message), /certificate/i);

      const httpsAgent = new https.Agent({ keepAlive: true, ca: cert });
      const token = await call({
        url: tls.url,
        fetch: createHttpFetch({ httpsAgent }),
      });
      assert.is(
        token.id,
        params.apiTokenId,
        "createHttpFetch with the CA on its agent",
      );
      httpsAgent.destroy();

      const child = await runNode(
        `import { createClient, getToken } from "./mod.ts";
         const client = createClient({ accessToken: process.env.T, url: process.env.U, retry: false });
         let through = 0;
         const original = globalThis.fetch;
         globalThis.fetch = (...args) => (through += 1, original(...args));
         const token = await getToken(client, JSON.parse(process.env.P));
         console.log(JSON.stringify({ id: token.id, through }));`,
        {
          T: accessToken,
          U: tls.url,
          P: JSON.stringify(params),
          NODE_EXTRA_CA_CERTS: fileURLToPath(
            new URL("./support/tls/cert.pem", import.meta.url),
          ),
        },
      );
      assert.is(child.status, 0, child.stderr);
      assert.equal(JSON.parse(child.stdout), {
        id: params.apiTokenId,
        through: 0,
      });
    } finally {
      await tls.close();
    }
  });

  /** An HTTPS front for the embedded server, with the test certificate. */
  async function tlsFront(): Promise<{ url: string; close(): Promise<void> }> {
    const target = new URL(server.url);
    const front = https.createServer({ cert, key }, (req, res) => {
      const upstream = http.request(
        {
          host: target.hostname,
          port: target.port,
          path: req.url,
          method: req.method,
          headers: req.headers,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => front.listen(0, "127.0.0.1", resolve));
    const { port } = front.address() as { port: number };
    return {
      url: `https://127.0.0.1:${port}`,
      close: () =>
        new Promise<void>((resolve) => {
          front.closeAllConnections();
          front.close(() => resolve());
        }),
    };
  }

  /**
   * An HTTP proxy: CONNECT tunnels (what undici's proxy agents use, for http: targets too)
   * and absolute-form requests; `seen` lists what it was asked for.
   */
  async function forwardProxy(): Promise<
    { url: string; seen: string[]; close(): Promise<void> }
  > {
    const seen: string[] = [];
    const tunnels = new Set<import("node:net").Socket>();
    const proxy = http.createServer((req, res) => {
      const target = new URL(req.url!);
      seen.push(`${req.method} ${target.origin}`);
      const upstream = http.request(target, {
        method: req.method,
        headers: req.headers,
      }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      req.pipe(upstream);
    });
    proxy.on(
      "connect",
      (
        req,
        client: import("node:net").Socket,
        head: InstanceType<typeof Buffer>,
      ) => {
        seen.push(`CONNECT ${req.url}`);
        const [host, port] = req.url!.split(":");
        const upstream = net.connect(Number(port), host, () => {
          client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
          upstream.write(head);
          upstream.pipe(client);
          client.pipe(upstream);
        });
        for (const socket of [client, upstream]) {
          tunnels.add(socket);
          socket.on("error", () => {});
          socket.on("close", () => tunnels.delete(socket));
        }
      },
    );
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    const { port } = proxy.address() as { port: number };
    return {
      url: `http://127.0.0.1:${port}`,
      seen,
      close: () =>
        new Promise<void>((resolve) => {
          for (const socket of tunnels) socket.destroy();
          proxy.closeAllConnections();
          proxy.close(() => resolve());
        }),
    };
  }

  /** Runs an ES module source with this Node and tsx from the repository root. Async: the
   * servers live in this process. */
  function runNode(
    source: string,
    env: Record<string, string>,
  ): Promise<{ status: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(
        process.execPath,
        ["--import", "tsx", "--input-type=module", "-e", source],
        {
          cwd: ROOT,
          env: { ...process.env, ...env },
          stdio: ["ignore", "pipe", "pipe"],
          timeout: 60_000,
        },
      );
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk) => (stdout += chunk));
      child.stderr.on("data", (chunk) => (stderr += chunk));
      child.on("error", reject);
      child.on("close", (status) => resolve({ status, stdout, stderr }));
    });
  }
}
