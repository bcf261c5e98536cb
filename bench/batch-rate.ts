/**
 * Batch pacing against a rate-limited server, per instance: every server kind the embedded
 * server has (a fixed one-second window; GCRA with a burst, as Losant's limiter; each with a
 * Retry-After header or with the wait only in the message, as Losant sends it; each with a
 * steady limit and with the limit halved a third of the way in, restored at two thirds) ×
 * (told: `ratePerInstance` = the limit; not told: found from 429s by the controller).
 *
 * Per instance it prints the admitted rate ÷ the limit (the allowance, ∫ limit dt, from the
 * job's start to the instance's last success) and the share of its requests answered 429,
 * each the median of the rounds; for a changing limit also how long the job took to follow:
 * after the halving, until the last of the run of 429s it caused; after the restore, until a
 * trailing second admits 90% of the restored limit. Real time: the server runs in-process
 * on the system clock, like a real one.
 *
 * Run: node --import tsx bench/batch-rate.ts            (3 rounds × 16 runs ≥ 30 s: ~30 min)
 *      node --import tsx bench/batch-rate.ts --quick    (1 round, 6 s per run: a smoke run)
 * Env: BENCH_RATE_ONLY=gcra,fixed-window (kinds), BENCH_RATE_LIMIT=steady|changing,
 *      BENCH_RATE_MODE=told|not-told (rows, for targeted runs), BENCH_RATE_ROUNDS=3.
 */
import os from "node:os";
import process from "node:process";
import { createClient } from "../mod.ts";
import { deleteTokens } from "../src/batch/mod.ts";
import { type RetryHint, startFakeLosant } from "../src/testing/mod.ts";

const quick = process.argv.includes("--quick");
const LIMIT = 100;
const BURST = 10;
const INSTANCES = 2;
/** Seconds a run lasts at the limit: ≥ 30 s per instance, so one 429's wait is small in it. */
const SECONDS = quick ? 6 : 30;
const ROUNDS = quick ? 1 : Number(process.env.BENCH_RATE_ROUNDS ?? 3);

interface Config {
  kind: "fixed-window" | "gcra";
  hint: Exclude<RetryHint, "both">;
  change: boolean;
  told: boolean;
}

interface InstanceFigures {
  ratio: number;
  share429: number;
  /** Seconds from the halving to the last 429 it caused. */
  settleHalved?: number;
  /** Seconds from the restore until a trailing second admitted 90% of the limit. */
  followRestored?: number;
}

const now = (): number => performance.timeOrigin + performance.now();

async function run(config: Config): Promise<InstanceFigures[]> {
  // The changing limit halves for a third of the run: more items keep it ≥ SECONDS long.
  const perInstance = config.change ? Math.round(LIMIT * SECONDS * 0.85) : LIMIT * SECONDS;
  const server = await startFakeLosant({
    seed: { instances: INSTANCES, tokensPerInstance: perInstance },
  });
  const timers: ReturnType<typeof setTimeout>[] = [];
  try {
    const limiter = server.faults.rateLimit({
      perSecond: LIMIT,
      burst: BURST,
      kind: config.kind,
      retryHint: config.hint,
    });
    const { token } = server.issueAccessToken(["all.Instance"]);
    const client = createClient({ accessToken: token, url: server.url });
    const lists = server.instanceIds.map((id) => server.store.listTokens(id).map((t) => t.id));
    const items = [];
    for (let i = 0; i < perInstance; i++) {
      for (let k = 0; k < INSTANCES; k++) {
        items.push({ instanceId: server.instanceIds[k]!, apiTokenId: lists[k]![i]! });
      }
    }
    const started = now();
    /** [from, limit] steps, to integrate the allowance. */
    const steps: [number, number][] = [[started, LIMIT]];
    if (config.change) {
      const at = (ms: number, perSecond: number) =>
        timers.push(setTimeout(() => {
          limiter.setLimit({ perSecond, burst: BURST });
          steps.push([now(), perSecond]);
        }, ms));
      at((SECONDS * 1000) / 3, LIMIT / 2);
      at((SECONDS * 1000 * 2) / 3, LIMIT);
    }
    await deleteTokens(client, items, {
      concurrency: 16 * INSTANCES,
      perInstanceConcurrency: 16,
      ...(config.told ? { ratePerInstance: LIMIT } : {}),
    });
    return server.instanceIds.map((id) => {
      const deletes = server.requests.filter((r) => r.method === "DELETE" && r.instanceId === id);
      const ok = deletes.filter((r) => r.status === 200);
      const limited = deletes.filter((r) => r.status === 429);
      const end = Math.max(...ok.map((r) => r.endedAt ?? r.startedAt));
      const figures: InstanceFigures = {
        ratio: ok.length / allowance(steps, started, end),
        share429: limited.length / deletes.length,
      };
      if (config.change && steps.length === 3) {
        const [halvedAt, restoredAt] = [steps[1]![0], steps[2]![0]];
        figures.settleHalved = settleTime(limited.map((r) => r.startedAt), halvedAt, restoredAt);
        figures.followRestored = followTime(ok.map((r) => r.startedAt), restoredAt, 0.9 * LIMIT);
      }
      return figures;
    });
  } finally {
    for (const t of timers) clearTimeout(t);
    await server.close();
  }
}

/** ∫ limit dt over [from, to], in requests. */
function allowance(steps: readonly [number, number][], from: number, to: number): number {
  let total = 0;
  for (let i = 0; i < steps.length; i++) {
    const start = Math.max(from, steps[i]![0]);
    const end = Math.min(to, steps[i + 1]?.[0] ?? Infinity);
    if (end > start) total += (steps[i]![1] * (end - start)) / 1000;
  }
  return total;
}

/**
 * Seconds from `from` to the last 429 of the run of 429s the change caused: the first after
 * it and each next one less than 500 ms after the previous (later ones are the controller's
 * ordinary probing, every few seconds).
 */
function settleTime(times: readonly number[], from: number, to: number): number {
  const after = times.filter((t) => t >= from && t < to).sort((a, b) => a - b);
  let last = after[0];
  if (last === undefined) return 0;
  for (const t of after) if (t - last < 500) last = t;
  return (last - from) / 1000;
}

/** Seconds after `from` until a trailing second holds ≥ `target` of `times`. */
function followTime(times: readonly number[], from: number, target: number): number | undefined {
  const sorted = [...times].sort((a, b) => a - b);
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[j]! <= sorted[i]! - 1000) j++;
    if (sorted[i]! >= from && i - j + 1 >= target) return (sorted[i]! - from) / 1000;
  }
  return undefined;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

const only = process.env.BENCH_RATE_ONLY?.split(",");
const limitOnly = process.env.BENCH_RATE_LIMIT;
const modeOnly = process.env.BENCH_RATE_MODE;
const configs: Config[] = [];
for (const kind of ["fixed-window", "gcra"] as const) {
  if (only && !only.includes(kind)) continue;
  for (const hint of ["header", "message"] as const) {
    for (const change of [false, true]) {
      if (limitOnly && limitOnly !== (change ? "changing" : "steady")) continue;
      for (const told of [true, false]) {
        if (modeOnly && modeOnly !== (told ? "told" : "not-told")) continue;
        configs.push({ kind, hint, change, told });
      }
    }
  }
}

const loads: number[] = [os.loadavg()[0]!];
console.log(
  `${INSTANCES} instances, limit ${LIMIT}/s per instance (GCRA burst ${BURST}), ` +
    `≥ ${SECONDS} s per run, median of ${ROUNDS}; node ${process.version}; ` +
    `load average at start ${loads[0]!.toFixed(2)}`,
);
const results = new Map<Config, InstanceFigures[][]>(configs.map((c) => [c, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const config of configs) {
    results.get(config)!.push(await run(config));
    loads.push(os.loadavg()[0]!);
  }
}

const fmt = (x: number | undefined, digits: number) => x === undefined ? "–" : x.toFixed(digits);
console.log("");
console.log(
  "| server | limit | mode | " +
    Array.from({ length: INSTANCES }, (_, k) => `inst ${k + 1} rate ÷ limit | inst ${k + 1} 429`)
      .join(" | ") +
    " | halved: settled after | restored: followed after |",
);
console.log(`|${" --- |".repeat(5 + 2 * INSTANCES)}`);
for (const config of configs) {
  const runs = results.get(config)!;
  const cells: string[] = [];
  for (let k = 0; k < INSTANCES; k++) {
    cells.push(fmt(median(runs.map((r) => r[k]!.ratio)), 3));
    cells.push(`${fmt(100 * median(runs.map((r) => r[k]!.share429)), 2)}%`);
  }
  const settle = config.change
    ? `${fmt(median(runs.flatMap((r) => r.map((i) => i.settleHalved ?? NaN))), 1)} s`
    : "";
  const follow = config.change
    ? `${fmt(median(runs.flatMap((r) => r.map((i) => i.followRestored ?? Infinity))), 1)} s`
    : "";
  const server = `${config.kind === "gcra" ? `GCRA burst ${BURST}` : "fixed 1-s window"}, ${
    config.hint === "header" ? "Retry-After" : "message only"
  }`;
  console.log(
    `| ${server} | ${config.change ? "halved, restored" : "steady"} | ${
      config.told ? `told ${LIMIT}` : "not told"
    } | ${cells.join(" | ")} | ${settle} | ${follow} |`,
  );
}
console.log(
  `\nload average during the runs: ${Math.min(...loads).toFixed(2)}–${
    Math.max(...loads).toFixed(2)
  }`,
);
