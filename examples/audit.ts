/**
 * Auditing the tokens of every instance under a policy of your own: tighter expiry
 * thresholds, a longer rotation period, one rule switched off, and a waiver (with its
 * reason and an expiry date) for a token that is allowed to never expire. Findings come
 * as they are found; the summary comes last. Read-only: nothing is changed.
 *
 * Run: `npx tsx examples/audit.ts`
 */
import { createClient } from "../mod.ts";
import { type AuditPolicy, type AuditRecord, auditTable, auditTokens } from "../src/audit/mod.ts";
import { connect } from "./support/connect.ts";

const DAY = 86_400_000;
// The embedded server's audit cases hold one token per rule (`audit-never-expires`, ...).
const target = await connect({ instances: 2, tokensPerInstance: 10, auditCases: true });
try {
  const client = createClient({ accessToken: target.accessToken, url: target.url });
  const policy: AuditPolicy = {
    rules: {
      "expiring-soon": { warningDays: 14, criticalDays: 5 },
      "rotation-age": { maxAgeDays: 120 },
      "no-description": { enabled: false },
    },
    waivers: [{
      name: "audit-never-expires",
      rules: ["no-expiry"],
      reason: "INFRA-12: the kiosk's read-only token, renewed by hand",
      // A waiver expires: once it has, it waives nothing and is a finding of its own.
      expires: new Date(Date.now() + 30 * DAY).toISOString().slice(0, 10),
    }],
  };

  const records: AuditRecord[] = [];
  for await (const record of auditTokens(client, { instanceIds: target.instanceIds, policy })) {
    records.push(record);
    if (record.kind === "finding" && record.severity === "critical") {
      // Names are server text: print them as JSON strings (or use auditTable, below).
      console.log(`critical: ${record.rule} ${JSON.stringify(record.name)}`);
    }
  }
  // The table a terminal gets: grouped by instance, worst first, names as plain text.
  console.log(auditTable(records));

  const summary = records.at(-1);
  if (summary?.kind !== "summary") throw new Error("an audit ends with its summary");
  const byRule = Object.entries(summary.byRule).map(([rule, n]) => `${rule} ${n}`).join(", ");
  console.log(`by rule: ${byRule}`);
  console.log(`waived: ${Object.entries(summary.waived).map(([r, n]) => `${r} ${n}`).join(", ")}`);
  console.log(`clean: ${summary.clean}`);
} finally {
  await target.close();
}
