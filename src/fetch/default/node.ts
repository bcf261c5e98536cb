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
 *   with its own CA, a MockAgent): only Node's fetch sends through it. Installed before
 *   losant-tokens was imported, it is recognised unless it is an Agent with default options
 *   (see `bypassable`).
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

// Reading `Request` loads Node's fetch, which installs its own dispatcher unless one is there
// already. ky reads it on import anyway, so this costs nothing more. What is there now is
// Node's own, or undici's plain default Agent (importing the npm package installs one), or
// one the app installed before importing this (a --import preload, a dynamic import after
// setGlobalDispatcher).
void globalThis.Request;
const atLoad = dispatcher();

function dispatcher(): unknown {
  return (globalThis as Record<symbol, unknown>)[GLOBAL_DISPATCHER];
}

/**
 * Whether the global dispatcher is one fetch may be bypassed for: the one present when this
 * module loaded, and an undici `Agent` with its default options (Node's own, or npm undici's
 * import-time default). A ProxyAgent, EnvHttpProxyAgent, MockAgent or composed dispatcher is
 * the app's choice whenever it was installed; so is anything installed after this module
 * loaded, and an Agent given any option (its own CA, say), whenever it was installed.
 */
function bypassable(current: unknown): boolean {
  if (current === undefined) return true; // Node's fetch would make its own default.
  if (current !== atLoad) return false;
  return atLoadIsDefaultAgent ??= isDefaultAgent(current as object);
}

/** Read once: the dispatcher present at load never changes. */
let atLoadIsDefaultAgent: boolean | undefined;

/**
 * Whether a dispatcher is an undici Agent given no options: its stored options are those of a
 * fresh Agent of the same class (undici keeps them under a symbol described "options"). Where
 * they cannot be read, it is not: Node's fetch, which honours whatever it is, stays.
 */
function isDefaultAgent(agent: object): boolean {
  const Class = agent.constructor as (new () => object) | undefined;
  if (Class?.name !== "Agent") return false;
  const options = storedOptions(agent);
  const defaults = options && storedOptions(new Class());
  if (options === undefined || defaults === undefined) return false;
  const keys = new Set([...Object.keys(options), ...Object.keys(defaults)]);
  for (const key of keys) if (!Object.is(options[key], defaults[key])) return false;
  return true;
}

function storedOptions(agent: object): Record<string, unknown> | undefined {
  const key = Object.getOwnPropertySymbols(agent).find((s) => s.description === "options");
  const value = key === undefined ? undefined : (agent as Record<symbol, unknown>)[key];
  return typeof value === "object" && value !== null ? value as Record<string, unknown> : undefined;
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
  if (!bypassable(dispatcher())) return "setGlobalDispatcher";
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
