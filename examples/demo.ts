/**
 * `npm run demo`: the library's main job, end to end, with no account and no network.
 *
 * It starts the embedded Losant-compatible server (3 instances × 50 tokens), subscribes to
 * token and request events, then runs two bulk jobs: deactivate every `ci-*` token, and
 * delete every expired one, through an injected burst of 429 and 503 answers that the
 * retry stage rides out. It ends with a summary of the event stream and both reports.
 *
 * @example
 * ```sh
 * npm run demo
 * npx deno run -A examples/demo.ts
 * ```
 */
import process from "node:process";
import cliProgress from "cli-progress";
import { createClient } from "../mod.ts";
import {
  type BatchProgress,
  type BatchReport,
  deleteTokens,
  patchTokens,
  selectTokens,
} from "../src/batch/mod.ts";
import { requestEvents, tokenEvents } from "../src/events/mod.ts";
import { startFakeLosant } from "../src/testing/mod.ts";

const started = performance.now();
const server = await startFakeLosant({ seed: { instances: 3, tokensPerInstance: 50, random: 7 } });
const { token: accessToken } = server.issueAccessToken(["all.Instance"], { name: "demo" });
// Short backoff so the demo finishes in seconds; a Retry-After of 1 s is still honoured.
const client = createClient({
  accessToken,
  url: server.url,
  retry: { minTimeout: 50, maxTimeout: 400 },
});
const instanceIds = server.instanceIds;
console.log(`embedded Losant at ${server.url}: ${instanceIds.length} instances × 50 tokens`);

// ---- events: count what the stream says while the jobs run -----------------------------
const tokenCounts: Record<string, number> = {};
const statusCounts: Record<string, number> = {};
let retries = 0;
const subscriptions = [
  tokenEvents(client).subscribe((e) => (tokenCounts[e.type] = (tokenCounts[e.type] ?? 0) + 1)),
  requestEvents(client).subscribe((e) => {
    if (e.type === "retry") retries += 1;
    if ((e.type === "response" || e.type === "error") && e.status !== undefined) {
      statusCounts[e.status] = (statusCounts[e.status] ?? 0) + 1;
    }
  }),
];

// ---- faults: a rate-limit burst and a flaky backend -----------------------------------
server.faults.add({ action: "patch", status: 429, retryAfter: 1, times: 6 });
server.faults.add({ action: "patch", status: 503, times: 8 });
server.faults.add({ action: "delete", status: 503, times: 6 });
console.log("injected: 6 × 429 (Retry-After: 1) and 8 × 503 on patch, 6 × 503 on delete");

// ---- the jobs -------------------------------------------------------------------------
const deactivate = await runWithProgress("deactivate ci-*", (onProgress) =>
  patchTokens(
    client,
    selectTokens(client, {
      instanceIds,
      filter: "ci-*",
      where: (t) => t.status === "active",
    }),
    { apiToken: { status: "inactive" }, concurrency: 8, onProgress, progressIntervalMs: 100 },
  ));
const now = Date.now();
const purge = await runWithProgress("delete expired", (onProgress) =>
  deleteTokens(
    client,
    selectTokens(client, {
      instanceIds,
      where: (t) => t.expirationDate !== undefined && Date.parse(t.expirationDate) <= now,
    }),
    { concurrency: 8, onProgress, progressIntervalMs: 100 },
  ));

for (const s of subscriptions) s.unsubscribe();
await server.close();

// ---- summary --------------------------------------------------------------------------
console.log("\nevent stream");
console.log(`  token events:   ${formatCounts(tokenCounts)}`);
console.log(`  HTTP statuses:  ${formatCounts(statusCounts)}`);
console.log(`  retries:        ${retries}`);
console.log("\nreports");
printReport("deactivate ci-*", deactivate);
printReport("delete expired", purge);
const seconds = ((performance.now() - started) / 1000).toFixed(1);
const ok = [deactivate, purge].every((r) =>
  r.failed === 0 && r.stopped === undefined && r.total > 0
);
console.log(`\n${ok ? "all done" : "finished with failures"} in ${seconds} s`);
process.exitCode = ok ? 0 : 1;

/** Runs a job with a live bar on a terminal, plain progress lines otherwise. */
async function runWithProgress(
  label: string,
  start: (onProgress: (p: BatchProgress) => void) => PromiseLike<BatchReport>,
): Promise<BatchReport> {
  const live = process.stderr.isTTY === true;
  const bar = live
    ? new cliProgress.SingleBar({
      stream: process.stderr,
      format: `${label.padEnd(16)} {bar} {value}/{total} | ok {ok} failed {failed} | {rate}/s`,
      hideCursor: true,
    }, cliProgress.Presets.shades_classic)
    : undefined;
  let begun = false;
  let lastLine = "";
  const report = await start((p) => {
    // The total grows as selectTokens lists each instance.
    if (bar) {
      if (!begun) bar.start(p.read, 0, { ok: 0, failed: 0, rate: "0" });
      begun = true;
      bar.setTotal(Math.max(p.read, 1));
      bar.update(p.done, { ok: p.succeeded, failed: p.failed, rate: p.ratePerSecond.toFixed(0) });
    } else {
      const line = `${label}: ${p.done}/${p.read} ok ${p.succeeded} failed ${p.failed} ` +
        `in-flight ${p.inFlight} ${p.ratePerSecond.toFixed(0)}/s`;
      if (line !== lastLine) console.log(`  ${line}`);
      lastLine = line;
    }
  });
  bar?.stop();
  return report;
}

function formatCounts(counts: Record<string, number>): string {
  return Object.entries(counts).map(([k, n]) => `${k} ${n}`).join(", ") || "none";
}

function printReport(label: string, r: BatchReport): void {
  console.log(
    `  ${label.padEnd(16)} total ${r.total}, succeeded ${r.succeeded}, failed ${r.failed}, ` +
      `cancelled ${r.cancelled}, skipped ${r.skipped}; ${r.requests} requests in ${
        Math.round(r.durationMs)
      } ms`,
  );
  if (r.stopped) console.log(`    stopped: ${r.stopped.type}: ${r.stopped.message}`);
  for (const f of r.failures.slice(0, 5)) {
    console.log(`    failed ${f.key}: ${f.type} ${f.message}`);
  }
}
