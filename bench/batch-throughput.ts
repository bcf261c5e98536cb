/**
 * Batch throughput: 10,000 deletes across 10 instances against the embedded server with
 * 50 ms added latency, at concurrency 32. Prints, from one run:
 *
 * - deleteTokens' throughput ÷ the ideal (concurrency ÷ latency = 640/s),
 * - deleteTokens ÷ a raw fetch + p-limit loop doing the same deletes (no validation,
 *   retries, events, pacing or results), and ÷ single deleteToken calls under p-limit
 *   (the same client pipeline without the batch engine: what the engine itself costs),
 * - the client's CPU-bound ceiling: deleteTokens against a fetch that answers at once, so
 *   the ratios above are read against what the client could do at best on this machine.
 *
 * The server runs in this process, so its CPU is on the same event loop as the client's.
 *
 * Run: npx tsx bench/batch-throughput.ts
 */
import pLimit from "p-limit";
import { createClient, deleteToken } from "../mod.ts";
import { deleteTokens } from "../src/batch/mod.ts";
import { type FakeLosant, startFakeLosant } from "../src/testing/mod.ts";

const INSTANCES = 10;
const PER_INSTANCE = 1_000;
const CONCURRENCY = 32;
const LATENCY_MS = 50;
const IDEAL = CONCURRENCY / (LATENCY_MS / 1000);

async function server(): Promise<
  { server: FakeLosant; token: string; items: { instanceId: string; apiTokenId: string }[] }
> {
  const s = await startFakeLosant({
    seed: { instances: INSTANCES, tokensPerInstance: PER_INSTANCE },
  });
  s.faults.add({ action: "delete", latencyMs: LATENCY_MS, times: Infinity });
  const { token } = s.issueAccessToken(["all.Instance"]);
  const lists = s.instanceIds.map((instanceId) =>
    s.store.listTokens(instanceId).map((t) => ({ instanceId, apiTokenId: t.id }))
  );
  const items = [];
  for (let i = 0; i < PER_INSTANCE; i++) for (const list of lists) items.push(list[i]!);
  return { server: s, token, items };
}

async function timed(
  run: () => Promise<number>,
): Promise<{ ok: number; seconds: number; perSecond: number }> {
  const started = performance.now();
  const ok = await run();
  const seconds = (performance.now() - started) / 1000;
  return { ok, seconds, perSecond: ok / seconds };
}

// 1. deleteTokens
const a = await server();
const client = createClient({ accessToken: a.token, url: a.server.url });
const batch = await timed(async () =>
  (await deleteTokens(client, a.items, { concurrency: CONCURRENCY })).succeeded
);
await a.server.close();

// 2. raw fetch + p-limit
const b = await server();
const limit = pLimit(CONCURRENCY);
const raw = await timed(async () => {
  let ok = 0;
  await Promise.all(b.items.map((item) =>
    limit(async () => {
      const response = await fetch(
        `${b.server.url}/instances/${item.instanceId}/tokens/${item.apiTokenId}`,
        {
          method: "DELETE",
          headers: { authorization: `Bearer ${b.token}`, accept: "application/json" },
        },
      );
      await response.text();
      if (response.ok) ok++;
    })
  ));
  return ok;
});
await b.server.close();

// 3. single deleteToken calls + p-limit: the same client pipeline without the batch engine,
// to tell the engine's cost from the core pipeline's (ky, validation, events).
const c = await server();
const singleClient = createClient({ accessToken: c.token, url: c.server.url });
const singleLimit = pLimit(CONCURRENCY);
const single = await timed(async () => {
  let ok = 0;
  await Promise.all(c.items.map((item) =>
    singleLimit(async () => {
      await deleteToken(singleClient, item);
      ok++;
    })
  ));
  return ok;
});
await c.server.close();

// 4. the client's CPU-bound ceiling: the same job against a fetch that answers at once.
const instant: typeof fetch = () =>
  Promise.resolve(
    new Response('{"success":true}', {
      status: 200,
      headers: { "content-type": "application/json" },
    }),
  );
const stubClient = createClient({ accessToken: "x", url: "http://127.0.0.1:9", fetch: instant });
const ceiling = await timed(async () =>
  (await deleteTokens(stubClient, a.items, { concurrency: CONCURRENCY })).succeeded
);

const row = (name: string, r: { ok: number; seconds: number; perSecond: number }, note: string) =>
  console.log(
    `${name.padEnd(28)} ${String(r.ok).padStart(6)} ${r.seconds.toFixed(2).padStart(8)} s ${
      r.perSecond.toFixed(0).padStart(8)
    }/s  ${note}`,
  );
console.log(
  `10,000 deletes, ${INSTANCES} instances, +${LATENCY_MS} ms latency, concurrency ${CONCURRENCY}; ideal ${IDEAL}/s`,
);
console.log(`${"".padEnd(28)} ${"ok".padStart(6)} ${"time".padStart(10)} ${"rate".padStart(10)}`);
row(
  "deleteTokens",
  batch,
  `${(batch.perSecond / IDEAL).toFixed(3)} × ideal, ${
    (batch.perSecond / raw.perSecond).toFixed(3)
  } × raw`,
);
row(
  "deleteToken + p-limit",
  single,
  `${(single.perSecond / IDEAL).toFixed(3)} × ideal, ${
    (single.perSecond / raw.perSecond).toFixed(3)
  } × raw`,
);
row("raw fetch + p-limit", raw, `${(raw.perSecond / IDEAL).toFixed(3)} × ideal`);
row(
  "client ceiling (no network)",
  ceiling,
  `${(ceiling.perSecond / IDEAL).toFixed(1)} × ideal: CPU is not the bound`,
);
