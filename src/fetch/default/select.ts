/**
 * The fetch a client sends with when its options name none, chosen by export condition:
 * `#default-fetch` is httpFetch (node:http) on Node and the runtime's own fetch on Deno,
 * Bun, browsers and workers. A condition rather than a runtime check, so a browser or edge
 * bundle never reaches node:http. The conditions list `deno` and `bun` before `node`, which
 * both also resolve. Where the name is mapped: ./package.json for the sources run directly
 * (tsx, Bun, esbuild), the root package.json for the published dist/, deno.json for Deno
 * and JSR.
 *
 * @module
 */
export { defaultFetch } from "#default-fetch";
