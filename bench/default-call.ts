/**
 * The default call, on every runtime of the test matrix: client CPU per sequential getToken
 * over keep-alive, and time from spawning a fresh process to its first getToken result,
 * with createClient's defaults, beside the official client (Node) and the runtime's own
 * fetch. Every contender runs in a fresh process; rounds interleave runtimes and rotate the
 * order of contenders, so a burst of load on a shared machine hits them alike. Medians and
 * spreads; ratios against losant-rest on the same Node (Deno and Bun: against their fetch),
 * of the medians and, per round, of the pair measured in that round.
 *
 * The Node CPU rows are the layers of our call, measured side by side: node:http (the
 * floor), httpFetch (the default transport on Node), ky over it, and the whole library.
 *
 * Usage: node --import tsx bench/default-call.ts   (builds dist/ first: every row loads the
 * package as its users do)
 * Env: BENCH_ROUNDS (5), BENCH_CALLS (3000), BENCH_WARMUP (300), BENCH_FIRST_ROUNDS (9),
 *      BENCH_RUNTIMES (node20,node22,node24,deno,bun).
 */
import { spawnSync } from "node:child_process";
import process from "node:process";
import {
  ensureRuntimes,
  parseRuntimes,
  type RuntimeChoice,
  runtimeCommand,
} from "../scripts/runtimes.ts";
import type { Contender, WorkerResult } from "./call-worker.ts";
import {
  buildPackage,
  envInt,
  markdownTable,
  median,
  runJsonWith,
  runWorker,
  spread,
  startBenchServer,
} from "./support.ts";

const NODE_CPU: Contender[] = [
  "node:http",
  "fetch",
  "httpFetch",
  "ky+httpFetch",
  "losant-rest",
  "losant-tokens",
];
const OTHER_CPU: Contender[] = ["fetch", "losant-tokens"];
const NODE_FIRST = ["losant-rest", "losant-tokens", "fetch"];
const OTHER_FIRST = ["fetch", "losant-tokens"];

interface Row {
  runtime: RuntimeChoice;
  contender: string;
  values: number[];
}

const rounds = envInt("BENCH_ROUNDS", 5);
const firstRounds = envInt("BENCH_FIRST_ROUNDS", 9);
const calls = envInt("BENCH_CALLS", 3000);
const warmup = envInt("BENCH_WARMUP", 300);
const runtimes = parseRuntimes(process.env.BENCH_RUNTIMES ?? "node20,node22,node24,deno,bun");
ensureRuntimes(runtimes);
const isNode = (r: RuntimeChoice) => r.startsWith("node");

/** The worker command of a runtime: TypeScript through its own loader (tsx on Node). */
function tsCommand(runtime: RuntimeChoice, file: string, arg: string): [string, string[]] {
  const { command, args } = runtimeCommand(runtime);
  return [command, [...args, file, arg]];
}

/** The bare runtime on a plain JavaScript file: what a user's script pays to start. */
function jsCommand(runtime: RuntimeChoice, file: string, arg: string): [string, string[]] {
  const { command } = runtimeCommand(runtime);
  if (runtime === "deno") return [command, ["run", "-A", file, arg]];
  return [command, [file, arg]];
}

/** Where each runtime loads the package from, as its users do. */
function moduleFor(runtime: RuntimeChoice): string {
  // Deno users take the TypeScript sources (JSR); Node and Bun users the npm build.
  return runtime === "deno" ? "../mod.ts" : "losant-tokens";
}

function rotate<T>(list: readonly T[], by: number): T[] {
  return list.map((_, i) => list[(i + by) % list.length]!);
}

function push(rows: Row[], runtime: RuntimeChoice, contender: string, value: number): void {
  let row = rows.find((r) => r.runtime === runtime && r.contender === contender);
  if (row === undefined) rows.push(row = { runtime, contender, values: [] });
  row.values.push(value);
}

buildPackage();

const versions = new Map(runtimes.map((r) => {
  const { command } = runtimeCommand(r);
  // "v24.1.0", "1.2.3" (Bun), "deno 2.1.0 (stable, ...)": the version is the last word of two.
  const out = spawnSync(command, ["--version"], { encoding: "utf8" }).stdout.trim();
  return [r, out.split("\n")[0]!.split(" ").slice(0, 2).at(-1) ?? "?"];
}));

const server = await startBenchServer();
const env = {
  BENCH_TARGET: JSON.stringify(server.target),
  BENCH_CALLS: String(calls),
  BENCH_WARMUP: String(warmup),
};
const cpu: Row[] = [];
const first: Row[] = [];
try {
  // Deno compiles TypeScript on first sight: one untimed start fills its cache.
  if (runtimes.includes("deno")) {
    const [command, args] = jsCommand("deno", "bench/first-result-worker.mjs", "losant-tokens");
    await runWorker(command, args, { ...env, BENCH_MODULE: moduleFor("deno") });
  }
  for (let round = 0; round < Math.max(rounds, firstRounds); round++) {
    for (const runtime of rotate(runtimes, round)) {
      if (round < rounds) {
        for (const contender of rotate(isNode(runtime) ? NODE_CPU : OTHER_CPU, round)) {
          const [command, args] = tsCommand(runtime, "bench/call-worker.ts", contender);
          const r = await runJsonWith<WorkerResult>(command, args, env);
          push(cpu, runtime, contender, r.cpuUs / r.calls);
          console.error(
            `  round ${round + 1} ${runtime} ${contender}: ${
              (r.cpuUs / r.calls).toFixed(0)
            } µs CPU`,
          );
        }
      }
      if (round < firstRounds) {
        for (const contender of rotate(isNode(runtime) ? NODE_FIRST : OTHER_FIRST, round)) {
          const [command, args] = jsCommand(runtime, "bench/first-result-worker.mjs", contender);
          const run = await runWorker(command, args, { ...env, BENCH_MODULE: moduleFor(runtime) });
          push(first, runtime, contender, run.msToLine);
        }
      }
    }
  }
} finally {
  await server.close();
}

/** The baseline row of a runtime: losant-rest on Node, fetch elsewhere. */
function baseline(rows: Row[], runtime: RuntimeChoice): Row {
  const name = isNode(runtime) ? "losant-rest" : "fetch";
  return rows.find((r) => r.runtime === runtime && r.contender === name)!;
}

/**
 * Each round's value over the baseline's in the same round: the two ran minutes apart at
 * most, so a slow stretch of the machine that lifts both cancels out of this ratio, where it
 * stays in the ratio of the medians.
 */
function pairedRatios(row: Row, base: Row): number[] {
  return row.values.map((value, round) => value / base.values[round]!);
}

function table(rows: Row[], unit: string, digits: number): string {
  return markdownTable(
    [
      "runtime",
      "contender",
      `${unit} (median)`,
      "spread",
      "× baseline",
      "per round × baseline (median, spread)",
      "baseline",
    ],
    rows.map((r) => {
      const base = baseline(rows, r.runtime);
      const paired = pairedRatios(r, base);
      return [
        `${r.runtime} ${versions.get(r.runtime)}`,
        r.contender,
        median(r.values).toFixed(digits),
        spread(r.values, digits),
        `${(median(r.values) / median(base.values)).toFixed(2)}×`,
        `${median(paired).toFixed(2)}× (${spread(paired, 2)})`,
        base.contender,
      ];
    }),
  );
}

console.log(`\nCPU per getToken, µs: ${rounds} rounds of ${warmup} + ${calls} calls\n`);
console.log(table(cpu, "CPU µs/call", 0));
console.log(`\nSpawn to first getToken result, ms: ${firstRounds} fresh processes each\n`);
console.log(table(first, "ms", 0));
