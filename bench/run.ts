/**
 * `npm run bench`: cost per call (against the embedded server in a separate process),
 * bundle sizes and start-up, each printed as a markdown table with ratios, plus the machine
 * and runtime the figures come from. Copy the output into bench/README.md.
 *
 * Env: BENCH_ROUNDS, BENCH_CALLS, BENCH_WARMUP, BENCH_ONLY (see cost-per-call.ts),
 * BENCH_STARTUP_ROUNDS (see startup.ts).
 */
import os from "node:os";
import process from "node:process";
import { bundleTable, measureBundles, originTable } from "./bundle-size.ts";
import { costOptionsFromEnv, costTable, measureCostPerCall } from "./cost-per-call.ts";
import { measureStartup, startupTable } from "./startup.ts";
import { startBenchServer } from "./support.ts";

const started = performance.now();
const options = costOptionsFromEnv((line) => console.error(line));
const cpu = os.cpus()[0]?.model ?? "unknown CPU";

console.log(`## Run\n`);
console.log(`- date: ${new Date().toISOString()}`);
console.log(`- machine: ${cpu}, ${os.cpus().length} cores, ${os.platform()} ${os.release()}`);
console.log(
  `- runtime: Node ${process.version}, load average at start ${os.loadavg()[0]!.toFixed(2)}`,
);
console.log(`- command: npm run bench`);
console.log(
  `- cost per call: ${options.rounds} interleaved rounds × (${options.warmup} warm-up + ` +
    `${options.calls} measured sequential getToken calls), each contender in a fresh process`,
);

const server = await startBenchServer();
let costs;
try {
  costs = await measureCostPerCall(server.target, options);
} finally {
  await server.close();
}
console.log(`\n## Cost per call\n\n${costTable(costs)}`);
const bundles = await measureBundles();
console.log(`\n## Bundle size\n\n${bundleTable(bundles)}\n\n${originTable(bundles)}`);
console.log(`\n## Start-up\n\n${startupTable(await measureStartup())}`);
console.log(`\n(bench took ${((performance.now() - started) / 1000).toFixed(0)} s)`);
