/**
 * Cost per call: client CPU time (process.cpuUsage) and wall time of sequential getToken
 * calls over keep-alive, for each contender in its own fresh process, in interleaved rounds
 * so that a burst of load on a shared machine hits every contender alike. Medians and
 * spreads over the rounds; ratios against the official client and the node:http floor.
 *
 * Usage: node --import tsx bench/cost-per-call.ts  (or as part of `npm run bench`)
 * Env: BENCH_ROUNDS (5), BENCH_CALLS (10000), BENCH_WARMUP (1000), BENCH_ONLY (comma list).
 */
import process from "node:process";
import { type Contender, CONTENDERS, type Target, type WorkerResult } from "./call-worker.ts";
import {
  buildPackage,
  envInt,
  markdownTable,
  median,
  runJson,
  spread,
  startBenchServer,
} from "./support.ts";

/** Per contender: CPU and wall µs per call in each round. */
export interface CostResult {
  contender: Contender;
  cpuUs: number[];
  wallUs: number[];
  heapDeltaKb: number[];
}

/** Settings of one measurement. */
export interface CostOptions {
  rounds: number;
  calls: number;
  warmup: number;
  contenders: Contender[];
  onProgress?: (line: string) => void;
}

/** Measures every contender `rounds` times, rotating which one goes first in each round. */
export async function measureCostPerCall(
  target: Target,
  options: CostOptions,
): Promise<CostResult[]> {
  buildPackage(); // the workers load our code from dist/, as users do
  const results = new Map<Contender, CostResult>(
    options.contenders.map((c) => [c, { contender: c, cpuUs: [], wallUs: [], heapDeltaKb: [] }]),
  );
  for (let round = 0; round < options.rounds; round++) {
    const order = options.contenders.map((_, i, all) => all[(i + round) % all.length]!);
    for (const contender of order) {
      const r = await runJson<WorkerResult>(
        ["--import", "tsx", "bench/call-worker.ts", contender],
        {
          BENCH_TARGET: JSON.stringify(target),
          BENCH_CALLS: String(options.calls),
          BENCH_WARMUP: String(options.warmup),
        },
      );
      const entry = results.get(contender)!;
      entry.cpuUs.push(r.cpuUs / r.calls);
      entry.wallUs.push(r.wallUs / r.calls);
      entry.heapDeltaKb.push(r.heapDeltaKb);
      options.onProgress?.(
        `  round ${round + 1}/${options.rounds} ${contender.padEnd(24)} ` +
          `${(r.cpuUs / r.calls).toFixed(0).padStart(4)} µs CPU, ${
            (r.wallUs / r.calls).toFixed(0)
          } µs wall`,
      );
    }
  }
  return [...results.values()];
}

/** The cost table in markdown, with ratios to losant-rest and to node:http. */
export function costTable(results: readonly CostResult[]): string {
  const cpuOf = (name: Contender): number | undefined => {
    const r = results.find((x) => x.contender === name);
    return r === undefined ? undefined : median(r.cpuUs);
  };
  const peer = cpuOf("losant-rest");
  const floor = cpuOf("node:http");
  const rows = results.map((r) => {
    const cpu = median(r.cpuUs);
    return [
      r.contender,
      cpu.toFixed(0),
      spread(r.cpuUs),
      median(r.wallUs).toFixed(0),
      spread(r.wallUs),
      peer === undefined ? "–" : `${(cpu / peer).toFixed(2)}×`,
      floor === undefined ? "–" : `${(cpu / floor).toFixed(2)}×`,
    ];
  });
  return markdownTable(
    [
      "client",
      "CPU µs/call (median)",
      "CPU spread",
      "wall µs/call (median)",
      "wall spread",
      "CPU vs losant-rest",
      "CPU vs node:http",
    ],
    rows,
  );
}

/** The options from the environment (BENCH_ROUNDS, BENCH_CALLS, BENCH_WARMUP, BENCH_ONLY). */
export function costOptionsFromEnv(onProgress?: (line: string) => void): CostOptions {
  const only = process.env.BENCH_ONLY?.split(",").map((s) => s.trim()).filter(Boolean);
  const all = Object.keys(CONTENDERS) as Contender[];
  return {
    rounds: envInt("BENCH_ROUNDS", 5),
    calls: envInt("BENCH_CALLS", 10_000),
    warmup: envInt("BENCH_WARMUP", 1_000),
    contenders: only ? all.filter((c) => only.includes(c)) : all,
    onProgress,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const server = await startBenchServer();
  try {
    const options = costOptionsFromEnv((line) => console.error(line));
    console.log(costTable(await measureCostPerCall(server.target, options)));
  } finally {
    await server.close();
  }
}
