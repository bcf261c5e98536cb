/**
 * Batch pacing under a server limit of 100 requests/s per instance (a fixed one-second
 * window, Retry-After up to the window's end), run twice: told (ratePerInstance: 100) and
 * not told (adapting from 429s alone: every queued request to the instance waits for the
 * moment the server names). Prints achieved rate ÷ limit and the share of requests
 * answered 429.
 *
 * Run: npx tsx bench/batch-rate.ts
 */
import { createClient } from "../mod.ts";
import { deleteTokens } from "../src/batch/mod.ts";
import { startFakeLosant } from "../src/testing/mod.ts";

const LIMIT = 100;
const INSTANCES = 2;
const PER_INSTANCE = 600;

async function run(
  told: boolean,
): Promise<{ rate: number; share429: number; ok: number; seconds: number }> {
  const server = await startFakeLosant({
    seed: { instances: INSTANCES, tokensPerInstance: PER_INSTANCE },
  });
  try {
    server.faults.rateLimit({ perSecond: LIMIT });
    const { token } = server.issueAccessToken(["all.Instance"]);
    const client = createClient({ accessToken: token, url: server.url });
    const items = [];
    for (let i = 0; i < PER_INSTANCE; i++) {
      for (const instanceId of server.instanceIds) items.push({ instanceId, apiTokenId: "" });
    }
    const lists = server.instanceIds.map((id) => server.store.listTokens(id).map((t) => t.id));
    items.forEach((
      item,
      i,
    ) => (item.apiTokenId = lists[i % INSTANCES]![Math.floor(i / INSTANCES)]!));
    const started = performance.now();
    const report = await deleteTokens(client, items, {
      concurrency: 32,
      perInstanceConcurrency: 16,
      ...(told ? { ratePerInstance: LIMIT } : {}),
    });
    const seconds = (performance.now() - started) / 1000;
    const deletes = server.requests.filter((r) => r.method === "DELETE");
    return {
      ok: report.succeeded,
      seconds,
      rate: report.succeeded / INSTANCES / seconds,
      share429: deletes.filter((r) => r.status === 429).length / deletes.length,
    };
  } finally {
    await server.close();
  }
}

console.log(
  `${INSTANCES} instances × ${PER_INSTANCE} deletes, server limit ${LIMIT}/s per instance`,
);
console.log(
  `${"".padEnd(34)} ${"ok".padStart(5)} ${"time".padStart(8)} ${"rate/limit".padStart(11)} ${
    "429 share".padStart(10)
  }`,
);
for (const told of [true, false]) {
  const r = await run(told);
  console.log(
    `${(told ? "told (ratePerInstance: 100)" : "not told (429s + Retry-After)").padEnd(34)} ${
      String(r.ok).padStart(5)
    } ${r.seconds.toFixed(2).padStart(7)}s ${(r.rate / LIMIT).toFixed(3).padStart(11)} ${
      (100 * r.share429).toFixed(2).padStart(9)
    }%`,
  );
}
