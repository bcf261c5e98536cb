/**
 * One contender of the cost-per-call benchmark, alone in its own process so that no other
 * contender's modules, JIT state or garbage share its heap: `warmup` calls, then `calls`
 * sequential getToken calls over one keep-alive connection, timed with process.cpuUsage
 * (this process only: the server runs in another one) and the wall clock.
 *
 * Our code is loaded as its users load it: the npm build (dist/, so build first) on Node and
 * Bun, the TypeScript sources on Deno (JSR). Through tsx, the sources would carry esbuild's
 * keep-names wrapper on every closure, which no user runs and which costs ~10% of a call.
 *
 * Usage: node --import tsx bench/call-worker.ts <contender> (target in BENCH_TARGET as JSON)
 * Prints one JSON line: { contender, calls, cpuUs, wallUs, heapDeltaKb }.
 */
import http from "node:http";
import { createRequire } from "node:module";
import process from "node:process";

/** Where the calls go: the bench server's announcement. */
export interface Target {
  url: string;
  token: string;
  instanceId: string;
  apiTokenId: string;
}

/** What one worker measured. */
export interface WorkerResult {
  contender: string;
  calls: number;
  cpuUs: number;
  wallUs: number;
  heapDeltaKb: number;
}

type Call = () => Promise<unknown>;

const QUERY = "_actions=false&_links=true&_embedded=true";

/** The floor: node:http with a keep-alive agent, one socket, the same headers and parsing. */
function nodeHttp(t: Target): Call {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const url = new URL(`${t.url}/instances/${t.instanceId}/tokens/${t.apiTokenId}?${QUERY}`);
  const headers = {
    accept: "application/json",
    "accept-version": "^1.30.0",
    authorization: `Bearer ${t.token}`,
  };
  return () =>
    new Promise((resolve, reject) => {
      const req = http.request(
        { host: url.hostname, port: url.port, path: url.pathname + url.search, agent, headers },
        (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => (text += chunk));
          res.on("end", () => {
            if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode}`));
            else resolve(JSON.parse(text));
          });
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end();
    });
}

/** The URL and headers every fetch-based contender sends. */
function requestOf(t: Target): { url: string; headers: Record<string, string> } {
  return {
    url: `${t.url}/instances/${t.instanceId}/tokens/${t.apiTokenId}?${QUERY}`,
    headers: {
      accept: "application/json",
      "accept-version": "^1.30.0",
      authorization: `Bearer ${t.token}`,
    },
  };
}

/** A fetch function alone, the same request, no library. */
function fetchCall(t: Target, fetchFn: typeof fetch): Call {
  const { url, headers } = requestOf(t);
  return async () => {
    const response = await fetchFn(url, { headers });
    if (response.status !== 200) throw new Error(`status ${response.status}`);
    return await response.json();
  };
}

/**
 * ky alone, configured and called as this library does (its retry, timeout and HTTP errors
 * off; the request sent from a beforeRequest hook that sets the headers on ky's Request and
 * answers with the fetch's Response), over the given fetch: ky's own share of a call,
 * measured beside the rest.
 */
async function kyCall(t: Target, fetchFn: typeof fetch = fetch): Promise<Call> {
  const { default: ky } = await import("ky");
  const { url, headers } = requestOf(t);
  const http = ky.create({
    retry: 0,
    throwHttpErrors: false,
    timeout: false,
    hooks: {
      beforeRequest: [(request) => {
        for (const name in headers) request.headers.set(name, headers[name]!);
        return fetchFn(request);
      }],
    },
  });
  return async () => {
    // As the transport calls it: a get passes no method (ky merges every key per call).
    const response = await http(url, { redirect: "manual" });
    if (response.status !== 200) throw new Error(`status ${response.status}`);
    return JSON.parse(await response.text());
  };
}

/** The platform's own fetch. */
function rawFetch(t: Target): Call {
  return fetchCall(t, (input, init) => fetch(input, init));
}

/** The fast fetch alone. */
async function rawNodeFetch(t: Target): Promise<Call> {
  return fetchCall(t, await loadNodeFetch());
}

/** Deno users take the sources; Node and Bun users the npm build. */
const FROM_SOURCES = "Deno" in globalThis;

async function loadNodeFetch(): Promise<typeof fetch> {
  const entry = FROM_SOURCES ? "../src/fetch/node-fetch.ts" : "losant-tokens/node-fetch";
  return (await import(entry)).nodeFetch;
}

async function loadHttpFetch(): Promise<typeof fetch> {
  const entry = FROM_SOURCES ? "../src/fetch/http-fetch.ts" : "losant-tokens/http-fetch";
  return (await import(entry)).httpFetch;
}

/** The official client (axios underneath, Node's keep-alive global agent). */
function losantRest(t: Target): Call {
  const require = createRequire(import.meta.url);
  const api = require("losant-rest") as {
    createClient(o: { accessToken: string; url: string }): {
      instanceApiToken: { get(p: { instanceId: string; apiTokenId: string }): Promise<unknown> };
    };
  };
  const client = api.createClient({ accessToken: t.token, url: t.url });
  const params = { instanceId: t.instanceId, apiTokenId: t.apiTokenId };
  return () => client.instanceApiToken.get(params);
}

/** This library with its defaults (validation, retry, timeout, events, hooks). */
async function losantTokens(t: Target, fast: boolean | "http"): Promise<Call> {
  const { createClient, getToken } = (await import(
    FROM_SOURCES ? "../mod.ts" : "losant-tokens"
  )) as typeof import("../mod.ts");
  const fetch = fast === "http" ? await loadHttpFetch() : fast ? await loadNodeFetch() : undefined;
  const client = createClient({ accessToken: t.token, url: t.url, ...(fetch ? { fetch } : {}) });
  const params = { instanceId: t.instanceId, apiTokenId: t.apiTokenId };
  return () => getToken(client, params);
}

/** The contenders by name, in the order the tables print them. */
export const CONTENDERS = {
  "node:http": (t: Target): Promise<Call> => Promise.resolve(nodeHttp(t)),
  "fetch": (t: Target): Promise<Call> => Promise.resolve(rawFetch(t)),
  "nodeFetch": rawNodeFetch,
  "ky+fetch": (t: Target): Promise<Call> => kyCall(t),
  "ky+nodeFetch": async (t: Target): Promise<Call> => kyCall(t, await loadNodeFetch()),
  "ky+httpFetch": async (t: Target): Promise<Call> => kyCall(t, await loadHttpFetch()),
  "losant-rest": (t: Target): Promise<Call> => Promise.resolve(losantRest(t)),
  "losant-tokens": (t: Target): Promise<Call> => losantTokens(t, false),
  "losant-tokens+nodeFetch": (t: Target): Promise<Call> => losantTokens(t, true),
  "httpFetch": async (t: Target): Promise<Call> => fetchCall(t, await loadHttpFetch()),
  "losant-tokens+httpFetch": (t: Target): Promise<Call> => losantTokens(t, "http"),
} as const;

export type Contender = keyof typeof CONTENDERS;

async function main(): Promise<void> {
  const contender = process.argv[2] as Contender;
  const make = CONTENDERS[contender];
  if (make === undefined) throw new Error(`unknown contender ${contender}`);
  const target = JSON.parse(process.env.BENCH_TARGET ?? "") as Target;
  const warmup = Number(process.env.BENCH_WARMUP ?? 1000);
  const calls = Number(process.env.BENCH_CALLS ?? 10_000);
  const call = await make(target);
  for (let i = 0; i < warmup; i++) await call();
  const heapBefore = process.memoryUsage().heapUsed;
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < calls; i++) await call();
  const wallUs = (performance.now() - started) * 1000;
  const used = process.cpuUsage(cpu);
  const result: WorkerResult = {
    contender,
    calls,
    cpuUs: used.user + used.system,
    wallUs,
    heapDeltaKb: (process.memoryUsage().heapUsed - heapBefore) / 1024,
  };
  console.log(JSON.stringify(result));
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
