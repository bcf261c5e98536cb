import pLimit from "p-limit";
import { createClient, deleteToken } from "/work/main/mod.ts";
import { deleteTokens } from "/work/main/src/batch/mod.ts";
import { startFakeLosant } from "/work/main/src/testing/mod.ts";
async function setup() {
  const s = await startFakeLosant({ seed: { instances: 10, tokensPerInstance: 300 } });
  s.faults.add({ action: "delete", latencyMs: 50, times: Infinity });
  const { token } = s.issueAccessToken(["all.Instance"]);
  const items = s.instanceIds.flatMap((instanceId) => s.store.listTokens(instanceId).map((t) => ({ instanceId, apiTokenId: t.id })));
  return { s, token, items };
}
for (const mode of ["client+plimit", "batch", "raw"]) {
  const { s, token, items } = await setup();
  const client = createClient({ accessToken: token, url: s.url });
  const t = performance.now();
  if (mode === "batch") await deleteTokens(client, items, { concurrency: 32 });
  else if (mode === "raw") { const limit = pLimit(32); await Promise.all(items.map((i) => limit(async () => { const r = await fetch(`${s.url}/instances/${i.instanceId}/tokens/${i.apiTokenId}`, { method: "DELETE", headers: { authorization: `Bearer ${token}` } }); await r.text(); }))); }
  else { const limit = pLimit(32); await Promise.all(items.map((i) => limit(() => deleteToken(client, i)))); }
  const sec = (performance.now() - t) / 1000;
  const lat = s.requests.map((r) => r.endedAt! - r.startedAt).sort((a, b) => a - b);
  console.log(mode, (items.length / sec).toFixed(0), "/s; server-side p50", lat[lat.length >> 1].toFixed(1), "p99", lat[Math.floor(lat.length * 0.99)].toFixed(1));
  await s.close();
}
