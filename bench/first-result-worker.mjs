/**
 * One start-up of the time-to-first-result benchmark: load a client, make it and get one
 * token, then print one JSON line. Plain JavaScript, run by the bare runtime (no tsx), so
 * the time is what a user's script pays. The parent times from spawn to this line.
 *
 * Usage: <runtime> bench/first-result-worker.mjs <contender>   (target in BENCH_TARGET)
 * Contenders: losant-tokens (the package as its users import it: BENCH_MODULE, default
 * "losant-tokens"), losant-rest (the official client), fetch (the runtime's own, alone).
 */
import { createRequire } from "node:module";
import process from "node:process";

const contender = process.argv[2];
const t = JSON.parse(process.env.BENCH_TARGET ?? "");
const params = { instanceId: t.instanceId, apiTokenId: t.apiTokenId };
let token;
if (contender === "losant-tokens") {
  const { createClient, getToken } = await import(process.env.BENCH_MODULE ?? "losant-tokens");
  token = await getToken(createClient({ accessToken: t.token, url: t.url }), params);
} else if (contender === "losant-rest") {
  const api = createRequire(import.meta.url)("losant-rest");
  token = await api.createClient({ accessToken: t.token, url: t.url }).instanceApiToken.get(params);
} else if (contender === "fetch") {
  const url = `${t.url}/instances/${t.instanceId}/tokens/${t.apiTokenId}`;
  const response = await fetch(url, {
    headers: { accept: "application/json", authorization: `Bearer ${t.token}` },
  });
  token = await response.json();
} else {
  throw new Error(`unknown contender ${contender}`);
}
if (token?.id !== t.apiTokenId) throw new Error(`${contender} got no token`);
console.log(JSON.stringify({ contender, sinceStartMs: performance.now() }));
// Keep-alive sockets would hold the process open; the measurement is done.
process.exit(0);
