/**
 * Batch memory: a million items streamed from a generator through deleteTokens with
 * dryRun: "validate" (each item validated, nothing sent). Prints the peak RSS above the
 * starting RSS, sampled every 20 ms, beside what merely holding the million items in an
 * array costs, so "bounded" is read against the alternative.
 *
 * Run: npx tsx bench/batch-memory.ts        (add --expose-gc via NODE_OPTIONS for steadier numbers)
 */
import process from "node:process";
import { createClient } from "../mod.ts";
import { deleteTokens } from "../src/batch/mod.ts";

const ITEMS = 1_000_000;
const hex = (n: number): string => n.toString(16).padStart(24, "0");

function* items(): Generator<{ instanceId: string; apiTokenId: string }> {
  for (let i = 0; i < ITEMS; i++) yield { instanceId: hex(i % 40), apiTokenId: hex(i) };
}

const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
const base = process.memoryUsage().rss;
let peak = base;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);

const client = createClient({ accessToken: "not-used", url: "http://127.0.0.1:9" });
const started = performance.now();
const report = await deleteTokens(client, items(), { dryRun: "validate" });
const seconds = (performance.now() - started) / 1000;
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage().rss);

// The alternative: the same items held in memory at once.
gc?.();
const before = process.memoryUsage().rss;
const held = [...items()];
const heldBytes = process.memoryUsage().rss - before;

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
console.log(
  `1,000,000 streamed items, dryRun "validate": ${report.skipped} skipped, ${report.failed} failed`,
);
console.log(
  `  time                 ${seconds.toFixed(2)} s (${(ITEMS / seconds).toFixed(0)} items/s)`,
);
console.log(`  peak RSS above start ${mb(peak - base)}  (start ${mb(base)}, peak ${mb(peak)})`);
console.log(`  holding the items    ${mb(heldBytes)} (${held.length} in an array)`);
console.log(`  ratio                ${((peak - base) / heldBytes).toFixed(3)} × the array`);
