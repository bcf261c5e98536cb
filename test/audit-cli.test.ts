/**
 * `losant-tokens audit` in-process against the embedded server: the table, every output
 * format, the exit codes (--fail-on 3/4, an unlisted instance 1, a bad policy 2).
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseCsv } from "csv-parse/sync";
import { parseAuditRecord } from "../src/audit/mod.ts";
import { BUILTIN_RULE_IDS } from "../src/audit/rules/builtin.ts";
import { type FakeLosant, startFakeLosant } from "../src/testing/mod.ts";
import { cli } from "./support/cli-io.ts";
import { AUDIT_RULE_CHOICES } from "../src/cli/commands/audit.ts";

let server: FakeLosant;
let env: Record<string, string>;
let dir: string;
let instance: string;

test.before(async () => {
  server = await startFakeLosant({
    seed: { instances: 2, tokensPerInstance: 10, random: 3, auditCases: true },
  });
  env = { LOSANT_API_TOKEN: server.issueAccessToken(["all.Instance"]).token };
  instance = server.instanceIds[0];
  dir = mkdtempSync(join(tmpdir(), "losant-audit-cli-"));
});

test.after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const audit = (...args: string[]) => cli(["--url", server.url, "audit", ...args], { env });

test("the table: grouped by instance, worst first, hostile names as plain text; exit 0", async () => {
  const r = await audit("--instance", instance);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`^instance ${instance} \\(`));
  const severities = r.stdout.split("\n").map((l) => l.match(/^ {2}(critical|warning|info) /)?.[1])
    .filter(Boolean);
  const rank = { critical: 2, warning: 1, info: 0 } as Record<string, number>;
  assert.equal(severities, [...severities].sort((a, b) => rank[b!] - rank[a!]));
  for (const id of BUILTIN_RULE_IDS) assert.match(r.stdout, new RegExp(`\\b${id}\\b`), id);
  // Cut to the column, as text: nothing in it for a terminal to act on.
  assert.ok(r.stdout.includes("=1+1 <script>alert('audit')</script> | …"), r.stdout);
});

test("--fail-on: 4 when the worst is critical, 3 when it is a warning, 0 below the bar", async () => {
  assert.is((await audit("--instance", instance, "--fail-on", "warning")).code, 4);
  assert.is(
    (await audit("--instance", instance, "--fail-on", "critical", "--rule", "no-expiry")).code,
    0,
  );
  const warn = await audit(
    "--instance",
    instance,
    "--fail-on",
    "warning",
    "--rule",
    "no-expiry",
    "--json",
  );
  assert.is(warn.code, 3, warn.stderr);
  const doc = JSON.parse(warn.stdout);
  assert.ok(doc.findings.length > 0);
  assert.ok(doc.findings.every((f: { rule: string }) => f.rule === "no-expiry"));
});

test("an instance that cannot be listed fails the run (1), whatever --fail-on says", async () => {
  const missing = "aaaaaaaaaaaaaaaaaaaaaaaa";
  const r = await audit(
    "--instance",
    instance,
    "--instance",
    missing,
    "--fail-on",
    "warning",
    "--ndjson",
  );
  assert.is(r.code, 1);
  assert.match(r.stderr, new RegExp(`instance ${missing} could not be listed`));
  const records = r.stdout.trimEnd().split("\n").map((l) => parseAuditRecord(JSON.parse(l)));
  assert.ok(records.some((x) => x.kind === "unlisted" && x.instanceId === missing));
  const summary = records.at(-1)!;
  assert.ok(summary.kind === "summary" && !summary.clean && summary.unlisted.length === 1);
});

test("bad usage and a bad policy exit 2, naming the field, sending nothing", async () => {
  const policy = join(dir, "policy.json");
  writeFileSync(policy, JSON.stringify({ rules: { "rotation-age": { maxAgeDayz: 30 } } }));
  server.clearRequests();
  const bad = await audit("--instance", instance, "--policy", policy);
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /rules\.rotation-age\.maxAgeDayz/);
  writeFileSync(policy, "{ not json");
  assert.is((await audit("--instance", instance, "--policy", policy)).code, 2);
  assert.is((await audit("--instance", instance, "--json", "--csv")).code, 2);
  assert.is((await audit("--instance", instance, "--rule", "no-such-rule")).code, 2);
  assert.is(server.requests.length, 0);
  writeFileSync(
    policy,
    JSON.stringify({
      rules: { "rotation-age": { maxAgeDays: 100000 } },
      waivers: [{ name: "audit-*", rules: ["*"], reason: "demo", expires: "2999-01-01" }],
    }),
  );
  const ok = await audit("--instance", instance, "--policy", policy, "--json");
  assert.is(ok.code, 0, ok.stderr);
  const doc = JSON.parse(ok.stdout);
  assert.ok(
    doc.findings.every((f: { name: string; rule: string }) =>
      !f.name.startsWith("audit-") && f.rule !== "rotation-age"
    ),
  );
  assert.ok(doc.summary.waived["no-expiry"] >= 1);
});

test("--csv, --markdown and --html", async () => {
  const csv = await audit("--instance", instance, "--csv");
  assert.is(csv.code, 0, csv.stderr);
  const rows = parseCsv(csv.stdout, { columns: true }) as Record<string, string>[];
  assert.ok(rows.length > 10);
  assert.ok(rows.some((r) => r.name === "'=1+1 <script>alert('audit')</script> | `tick`"));
  const md = await audit("--instance", instance, "--markdown");
  assert.match(md.stdout, /^## Token audit/);
  assert.ok(md.stdout.includes("\\=1\\+1 \\<script\\>"));
  const file = join(dir, "report.html");
  const html = await audit("--instance", instance, "--html", file, "--ndjson");
  assert.is(html.code, 0, html.stderr);
  const page = readFileSync(file, "utf8");
  assert.match(page, /<svg[^>]*id="timeline"/);
  assert.ok(page.includes("&#60;script&#62;alert"));
  assert.is(
    page.split('<tr class="finding">').length - 1,
    html.stdout.trimEnd().split("\n").length - 1,
    "one row per finding",
  );
});

test("--rule's choices are exactly the rules", () => {
  assert.equal([...AUDIT_RULE_CHOICES].sort(), [...BUILTIN_RULE_IDS, "waiver-expired"].sort());
});

test.run();
