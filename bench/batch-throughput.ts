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
 * The contenders run in interleaved rounds (default 5; `--rounds N`), the order rotating
 * each round so none always runs first on a cold process or last on a hot one, and each
 * row is the median of its rounds: one run on a shared 2-core machine is too noisy to
 * tell two rates 3% apart.
 *
 * Our code is loaded from dist/ (built first), as Node users load it.
 *
 * Run: npx tsx bench/batch-throughput.ts [--rounds 5]
 */
import pLimit from "p-limit";
import { buildPackage, runJson } from "./support.ts";

// The package as its users load it, from its npm build, which the parent makes first: through
// tsx the sources carry esbuild's keep-names wrapper on every closure, which no user runs. The
// embedded server too, since its CPU shares the event loop with the client's.
if (!process.argv.includes("--one")) buildPackage();
// A specifier in a variable: type-checking never resolves it, so a missing dist/ cannot fail it.
const load = (entry: string): Promise<unknown> => import(entry);
const { createClient, deleteToken, VERSION } = await load(
  "losant-tokens",
) as typeof import("../mod.ts");
const { deleteTokens } = await load("losant-tokens/batch") as typeof import("../src/batch/mod.ts");
const { startFakeLosant } = await load(
  "losant-tokens/testing",
) as typeof import("../src/testing/mod.ts");
type FakeLosant = import("../src/testing/mod.ts").FakeLosant;

const INSTANCES = 10;
const PER_INSTANCE = 1_000;
const CONCURRENCY = 32;
const LATENCY_MS = 50;
const IDEAL = CONCURRENCY / (LATENCY_MS / 1000);
/** The query every call of the client sends, as the official client does. */
const QUERY = "_actions=false&_links=true&_embedded=true";

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

type Timed = { ok: number; seconds: number; perSecond: number };

const roundsArg = process.argv.indexOf("--rounds");
const ROUNDS = roundsArg === -1 ? 5 : Number(process.argv[roundsArg + 1]);
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new Error("--rounds must be a positive integer");

/** 1. deleteTokens: the batch engine over the client pipeline. */
async function runDeleteTokens(): Promise<Timed> {
  const s = await server();
  const client = createClient({ accessToken: s.token, url: s.server.url });
  try {
    return await timed(async () =>
      (await deleteTokens(client, s.items, { concurrency: CONCURRENCY })).succeeded
    );
  } finally {
    await s.server.close();
  }
}

/** Runs `send` for every item, CONCURRENCY at a time under p-limit; counts those that held. */
async function underPLimit(
  items: readonly { instanceId: string; apiTokenId: string }[],
  send: (item: { instanceId: string; apiTokenId: string }) => Promise<boolean>,
): Promise<number> {
  const limit = pLimit(CONCURRENCY);
  const held = await Promise.all(items.map((item) => limit(() => send(item))));
  return held.filter(Boolean).length;
}

/**
 * 2. raw fetch + p-limit: the same HTTP request deleteToken sends (path, query, headers, a
 * request id each), and nothing else: no validation, retries, events, pacing or results. The
 * request is the same because the server shares this process's CPU: a lighter request would
 * make the server's share, not the client's, the difference.
 */
async function runRaw(): Promise<Timed> {
  const s = await server();
  const headers = {
    authorization: `Bearer ${s.token}`,
    accept: "application/json",
    "accept-version": "^1.30.0",
    "user-agent": `losant-tokens/${VERSION}`,
  };
  let calls = 0;
  try {
    return await timed(() =>
      underPLimit(s.items, async (item) => {
        const response = await fetch(
          `${s.server.url}/instances/${item.instanceId}/tokens/${item.apiTokenId}?${QUERY}`,
          { method: "DELETE", headers: { ...headers, "x-request-id": `raw-${++calls}` } },
        );
        await response.text();
        return response.ok;
      })
    );
  } finally {
    await s.server.close();
  }
}

/**
 * 3. single deleteToken calls + p-limit: the same client pipeline without the batch engine,
 * to tell the engine's cost from the core pipeline's (ky, validation, events).
 */
async function runSingle(): Promise<Timed> {
  const s = await server();
  const client = createClient({ accessToken: s.token, url: s.server.url });
  try {
    return await timed(() =>
      underPLimit(s.items, async (item) => {
        await deleteToken(client, item);
        return true;
      })
    );
  } finally {
    await s.server.close();
  }
}

/** 4. the client's CPU-bound ceiling: the same job against a fetch that answers at once. */
async function runCeiling(): Promise<Timed> {
  const instant: typeof fetch = () =>
    Promise.resolve(
      new Response('{"success":true}', {
        status: 200,
        headers: { "content-type": "application/json" },
      }),
    );
  const client = createClient({ accessToken: "x", url: "http://127.0.0.1:9", fetch: instant });
  const items = Array.from({ length: INSTANCES * PER_INSTANCE }, (_, i) => ({
    instanceId: (i % INSTANCES).toString(16).padStart(24, "0"),
    apiTokenId: i.toString(16).padStart(24, "f"),
  }));
  return await timed(async () =>
    (await deleteTokens(client, items, { concurrency: CONCURRENCY })).succeeded
  );
}

const contenders: [string, () => Promise<Timed>][] = [
  ["deleteTokens", runDeleteTokens],
  ["deleteToken + p-limit", runSingle],
  ["raw fetch + p-limit", runRaw],
  ["client ceiling (no network)", runCeiling],
];

// `--one NAME`: this process is a worker that runs one contender once and prints its JSON.
const oneArg = process.argv.indexOf("--one");
if (oneArg !== -1) {
  const entry = contenders.find(([name]) => name === process.argv[oneArg + 1]);
  if (entry === undefined) throw new Error(`unknown contender ${process.argv[oneArg + 1]}`);
  console.log(JSON.stringify(await entry[1]()));
  process.exit(0);
}

const results = new Map<string, Timed[]>(contenders.map(([name]) => [name, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (let i = 0; i < contenders.length; i++) {
    const [name] = contenders[(i + round) % contenders.length]!;
    // A fresh process per run: no contender inherits another's heap, sockets or JIT state.
    results.get(name)!.push(
      await runJson<Timed>(["--import", "tsx", "bench/batch-throughput.ts", "--one", name]),
    );
  }
  const rate = (name: string) => results.get(name)![round]!.perSecond;
  console.error(
    `round ${round + 1}/${ROUNDS}: deleteTokens ${
      (rate("deleteTokens") / IDEAL).toFixed(3)
    } × ideal, ` +
      `raw ${(rate("raw fetch + p-limit") / IDEAL).toFixed(3)} × ideal`,
  );
}

const median = (rows: Timed[]): Timed => {
  const sorted = [...rows].sort((x, y) => x.perSecond - y.perSecond);
  return sorted[Math.floor(sorted.length / 2)]!;
};
const batch = median(results.get("deleteTokens")!);
const single = median(results.get("deleteToken + p-limit")!);
const raw = median(results.get("raw fetch + p-limit")!);
const ceiling = median(results.get("client ceiling (no network)")!);

const row = (name: string, r: Timed, note: string) =>
  console.log(
    `${name.padEnd(28)} ${String(r.ok).padStart(6)} ${r.seconds.toFixed(2).padStart(8)} s ${
      r.perSecond.toFixed(0).padStart(8)
    }/s  ${note}`,
  );
console.log(
  `10,000 deletes, ${INSTANCES} instances, +${LATENCY_MS} ms latency, concurrency ${CONCURRENCY}; ` +
    `ideal ${IDEAL}/s; median of ${ROUNDS} interleaved rounds`,
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
