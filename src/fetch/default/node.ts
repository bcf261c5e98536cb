/**
 * The default fetch on Node: httpFetch (node:http with keep-alive agents), which costs a
 * fraction of the global fetch's CPU per call and holds the same contract (aborts and
 * timeouts reach a body still arriving, redirects not followed, gzip/deflate/br).
 *
 * Node's global fetch stays the default where the app has said that requests go elsewhere,
 * so what worked before keeps working:
 * - a proxy in the environment (HTTP(S)_PROXY, NODE_USE_ENV_PROXY, `--use-env-proxy`):
 *   Node's fetch honours it with NODE_USE_ENV_PROXY, or through an undici EnvHttpProxyAgent
 *   the app installed; node:http never reads those variables;
 * - an undici dispatcher the app installed with `setGlobalDispatcher` (a ProxyAgent, an Agent
 *   with its own CA, a MockAgent): only Node's fetch sends through it.
 *
 * Chosen per client, at createClient: a client made after the environment changes sees it.
 *
 * @module
 */
import process from "node:process";
import { httpFetch } from "../http-fetch.ts";
import { runtimeFetch } from "./runtime.ts";

/** The variables that configure a proxy for Node's fetch (upper and lower case, as undici). */
const PROXY_VARIABLES = [
  "HTTPS_PROXY",
  "https_proxy",
  "HTTP_PROXY",
  "http_proxy",
  "NODE_USE_ENV_PROXY",
] as const;

/** Where undici (Node's own and the npm package) keeps the dispatcher fetch sends through. */
const GLOBAL_DISPATCHER = Symbol.for("undici.globalDispatcher.1");

// Reading `Request` loads Node's fetch, which installs its own dispatcher unless the app has
// installed one already. ky reads it on import anyway, so this costs nothing more, and it
// makes "Node's own" a fact captured here, whatever order the modules load in.
void globalThis.Request;
const nodeOwnDispatcher = dispatcher();

function dispatcher(): unknown {
  return (globalThis as Record<symbol, unknown>)[GLOBAL_DISPATCHER];
}

/**
 * Why Node's global fetch must stay the default, or undefined when httpFetch may be used:
 * the name of the variable, flag or dispatcher that routes requests elsewhere. Never the
 * value: a proxy URL may hold credentials.
 *
 * @example
 * globalFetchReason({ HTTPS_PROXY: "http://proxy:3128" }, []); // "HTTPS_PROXY"
 */
export function globalFetchReason(
  env: Record<string, string | undefined> = process.env,
  execArgv: readonly string[] = process.execArgv,
): string | undefined {
  for (const name of PROXY_VARIABLES) if (env[name]) return name;
  if (
    execArgv.includes("--use-env-proxy") ||
    /(^|\s)--use-env-proxy\b/.test(env.NODE_OPTIONS ?? "")
  ) {
    return "--use-env-proxy";
  }
  if (dispatcher() !== nodeOwnDispatcher) return "setGlobalDispatcher";
  return undefined;
}

/**
 * The fetch a client without a `fetch` option sends with on Node: httpFetch, or the global
 * fetch when {@link globalFetchReason} names a proxy or an installed dispatcher.
 *
 * @example
 * const send = defaultFetch();
 */
export function defaultFetch(): typeof fetch {
  return globalFetchReason() === undefined ? httpFetch as typeof fetch : runtimeFetch;
}
