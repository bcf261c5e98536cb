/**
 * Audit at fleet size: 40 instances × 500 tokens on the embedded server, every built-in
 * rule on. Asserts from the server's request log that each instance was listed in one pass
 * (one list request per instance: 500 tokens fit one 1000-token page) and prints the time,
 * the findings and the peak RSS above the start (sampled every 20 ms), beside the same
 * audit with every report format rendered from the collected records.
 *
 * Run: npx tsx bench/audit.ts     (INSTANCES=40 TOKENS=500 to change the size)
 */
import process from "node:process";
import { createClient } from "../mod.ts";
import {
  auditCsv,
  auditHtml,
  auditJson,
  auditMarkdown,
  type AuditRecord,
  auditTable,
  auditTokens,
} from "../src/audit/mod.ts";
import { startFakeLosant } from "../src/testing/mod.ts";
import { envInt } from "./support.ts";

const INSTANCES = envInt("INSTANCES", 40);
const TOKENS = envInt("TOKENS", 500);

const server = await startFakeLosant({
  seed: { instances: INSTANCES, tokensPerInstance: TOKENS, random: 42, auditCases: false },
});
try {
  const client = createClient({
    accessToken: server.issueAccessToken(["all.Instance"]).token,
    url: server.url,
  });
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const base = process.memoryUsage().rss;
  let peak = base;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  server.clearRequests();

  const started = performance.now();
  let findings = 0;
  let streamedSummary: AuditRecord | undefined;
  for await (const r of auditTokens(client, { instanceIds: server.instanceIds })) {
    if (r.kind === "finding") findings += 1;
    else if (r.kind === "summary") streamedSummary = r;
  }
  const streamedMs = performance.now() - started;
  const streamedPeak = Math.max(peak, process.memoryUsage().rss);

  const lists = server.requests.filter((r) => r.action === "list");
  const perInstance = new Map<string, number>();
  for (const r of lists) perInstance.set(r.instanceId!, (perInstance.get(r.instanceId!) ?? 0) + 1);
  if (perInstance.size !== INSTANCES || [...perInstance.values()].some((n) => n !== 1)) {
    throw new Error(
      `expected one list request per instance, saw ${JSON.stringify([...perInstance])}`,
    );
  }
  if (server.requests.length !== INSTANCES) throw new Error("the audit sent more than lists");

  // The same audit, records kept, every format rendered.
  const again = performance.now();
  const records: AuditRecord[] = [];
  for await (const r of auditTokens(client, { instanceIds: server.instanceIds })) records.push(r);
  const collectedMs = performance.now() - again;
  const render = performance.now();
  const sizes = {
    table: auditTable(records).length,
    json: auditJson(records).length,
    csv: auditCsv(records).length,
    markdown: auditMarkdown(records).length,
    html: auditHtml(records).length,
  };
  const renderMs = performance.now() - render;
  clearInterval(sampler);
  const keptPeak = Math.max(peak, process.memoryUsage().rss);

  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  const tokens = streamedSummary?.kind === "summary" ? streamedSummary.tokens : 0;
  console.log(
    `audit of ${INSTANCES} instances × ${TOKENS} tokens (${tokens} tokens, ${findings} findings)`,
  );
  console.log(
    `  list requests: ${lists.length} (one pass per instance, asserted from the request log)`,
  );
  console.log(`  streamed:      ${streamedMs.toFixed(0)} ms, peak RSS +${mb(streamedPeak - base)}`);
  console.log(
    `  kept + rendered: ${collectedMs.toFixed(0)} ms + ${
      renderMs.toFixed(0)
    } ms for every format, ` +
      `peak RSS +${mb(keptPeak - base)}`,
  );
  console.log(
    `  report sizes: ${Object.entries(sizes).map(([k, v]) => `${k} ${mb(v)}`).join(", ")}`,
  );
} finally {
  await server.close();
}
