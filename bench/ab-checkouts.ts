/**
 * A/B of one contender across checkouts: client CPU per sequential getToken, as
 * default-call.ts measures it (the bench server in its own process, each run a fresh process,
 * 300 warm-up + 3,000 calls), the checkouts interleaved and their order rotated per round, so
 * a burst of load hits them alike. Prints each checkout's median and its ratio to the first.
 * Each checkout must have its own `dist/` built (`npm run build` there); a git worktree of an
 * older commit with this checkout's node_modules linked in is enough.
 *
 * Usage: node --import tsx bench/ab-checkouts.ts ROUNDS RUNTIME DIR[:CONTENDER] DIR[:CONTENDER] ...
 *   e.g. node --import tsx bench/ab-checkouts.ts 12 node22 ../before . .:losant-rest
 * CONTENDER is one of call-worker.ts's (default losant-tokens); env BENCH_CALLS, BENCH_WARMUP.
 */
import { resolve } from "node:path";
import process from "node:process";
import { ensureRuntimes, type RuntimeChoice, runtimeCommand } from "../scripts/runtimes.ts";
import { envInt, median, runJsonWith, spread, startBenchServer } from "./support.ts";
import type { WorkerResult } from "./call-worker.ts";

const [roundsArg, runtime, ...specs] = process.argv.slice(2);
const rounds = Number(roundsArg);
if (!(rounds > 0) || runtime === undefined || specs.length === 0) {
  throw new Error("usage: ab-checkouts.ts ROUNDS RUNTIME DIR[:CONTENDER] ...");
}
ensureRuntimes([runtime as RuntimeChoice]);
const { command, args } = runtimeCommand(runtime as RuntimeChoice);
const env = {
  BENCH_CALLS: String(envInt("BENCH_CALLS", 3000)),
  BENCH_WARMUP: String(envInt("BENCH_WARMUP", 300)),
};

const server = await startBenchServer();
const perCall = new Map<string, number[]>(specs.map((spec) => [spec, []]));
try {
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < specs.length; i++) {
      const spec = specs[(i + round) % specs.length]!;
      const [dir, contender = "losant-tokens"] = spec.split(":");
      const worker = resolve(dir!, "bench", "call-worker.ts");
      const result = await runJsonWith<WorkerResult>(command, [...args, worker, contender], {
        ...env,
        BENCH_TARGET: JSON.stringify(server.target),
      });
      perCall.get(spec)!.push(result.cpuUs / result.calls);
    }
  }
} finally {
  await server.close();
}

const first = median(perCall.get(specs[0]!)!);
for (const [spec, values] of perCall) {
  const m = median(values);
  console.log(
    `${spec.padEnd(40)} ${m.toFixed(1).padStart(7)} µs/call  ${spread(values)}  ` +
      `${(m / first).toFixed(3)}× the first`,
  );
}
