/**
 * A script that makes a client from T (access token) and U (URL), calls getToken with P (JSON
 * params), and prints `{ id, through }`, where `through` counts the calls that went through
 * globalThis.fetch: how a test tells which fetch the default transport used. `before` runs
 * first, before losant-tokens is imported; `from` is where it is imported from (the sources,
 * or the packed package).
 *
 * @example
 * await runScript(getTokenScript({ before: `await import("undici");` }), env);
 */
export function getTokenScript(
  { before = "", from = "./mod.ts" }: { before?: string; from?: string } = {},
): string {
  return `import process from "node:process";
    ${before}
    const { createClient, getToken } = await import(${JSON.stringify(from)});
    let through = 0;
    const original = globalThis.fetch;
    globalThis.fetch = (...args) => (through += 1, original(...args));
    const client = createClient({ accessToken: process.env.T, url: process.env.U, retry: false });
    const token = await getToken(client, JSON.parse(process.env.P));
    console.log(JSON.stringify({ id: token.id, through }));`;
}
