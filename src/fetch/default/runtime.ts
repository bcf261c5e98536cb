/**
 * The default fetch on Deno, Bun, browsers, workers and every runtime that is not Node: the
 * runtime's own. It is also Node's default while a proxy is configured (see ./node.ts).
 *
 * @module
 */

/**
 * The global fetch, looked up per call as ky itself does, so a fetch installed later (a test
 * double, a polyfill) is the one used.
 */
export const runtimeFetch: typeof fetch = (input, init) => globalThis.fetch(input, init);

/**
 * The fetch a client without a `fetch` option sends with here: the runtime's own.
 *
 * @example
 * const send = defaultFetch();
 */
export function defaultFetch(): typeof fetch {
  return runtimeFetch;
}
