/**
 * Cost per call on every Node of the test matrix (scripts/runtimes.ts: the system Node 20,
 * Node 22 and 24 from runtimes/), one after the other: each runs bench/cost-per-call.ts with
 * its own binary, so every worker of that table is that Node. Each table keeps that script's
 * method: interleaved rounds, a fresh process per contender and round, medians and spreads.
 *
 * Usage: node --import tsx bench/node-matrix.ts
 * Env: BENCH_ROUNDS (5), BENCH_CALLS, BENCH_WARMUP, BENCH_ONLY as bench/cost-per-call.ts;
 *      BENCH_NODES (node20,node22,node24).
 */
import { spawnSync } from "node:child_process";
import process from "node:process";
import { ensureRuntimes, parseRuntimes, runtimeCommand } from "../scripts/runtimes.ts";

const nodes = parseRuntimes(process.env.BENCH_NODES ?? "node20,node22,node24")
  .filter((name) => name.startsWith("node"));
ensureRuntimes(nodes);
for (const name of nodes) {
  const { command } = runtimeCommand(name);
  const version = spawnSync(command, ["--version"], { encoding: "utf8" }).stdout.trim();
  console.log(`\n### Node ${version}\n`);
  const run = spawnSync(command, ["--import", "tsx", "bench/cost-per-call.ts"], {
    stdio: ["ignore", "inherit", "inherit"],
    env: process.env,
  });
  if (run.status !== 0) process.exitCode = 1;
}
