/**
 * auditTokens against the embedded server over real sockets: one listing pass per
 * instance (from the server's request log), the seeded audit cases cover every rule, an
 * instance that cannot be listed is reported and never counted clean, bad options send
 * nothing, and no record ever holds a secret, even from a server that leaks them.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createClient, LosantValidationError } from "../mod.ts";
import {
  type AuditRecord,
  auditTokens,
  BUILTIN_RULE_IDS,
  parseAuditRecord,
} from "../src/audit/mod.ts";
import { type FakeLosant, startFakeLosant } from "../src/testing/mod.ts";
import { AUDIT_CASES_PER_INSTANCE } from "../src/testing/audit-seed.ts";

let server: FakeLosant;
let accessToken: string;

test.before(async () => {
  server = await startFakeLosant({
    seed: { instances: 3, tokensPerInstance: 30, random: 5, auditCases: true },
  });
  accessToken = server.issueAccessToken(["all.Instance"]).token;
});
test.after(() => server.close());

const client = () =>
  createClient({
    accessToken,
    url: server.url,
    retry: { retries: 1, minTimeout: 1, maxTimeout: 2 },
  });

async function collect(records: AsyncIterable<AuditRecord>): Promise<AuditRecord[]> {
  const all: AuditRecord[] = [];
  for await (const r of records) all.push(r);
  return all;
}

test("one listing pass per instance; findings in instance order, then the summary", async () => {
  server.clearRequests();
  const ids = server.instanceIds;
  const records = await collect(
    auditTokens(client(), { instanceIds: [...ids, ids[0].toUpperCase()] }),
  );
  const lists = server.requests.filter((r) => r.action === "list");
  assert.equal(
    lists.map((r) => r.instanceId).sort(),
    [...ids].sort(),
    "one list request per instance",
  );
  assert.is(server.requests.length, lists.length, "nothing but lists");
  const summary = records.at(-1)!;
  assert.is(summary.kind, "summary");
  assert.equal(records.filter((r) => r.kind === "summary").length, 1);
  const order = records.filter((r) => r.kind === "finding").map((r) =>
    ids.indexOf((r as { instanceId: string }).instanceId)
  );
  assert.equal(order, [...order].sort((a, b) => a - b));
  for (const r of records) parseAuditRecord(JSON.parse(JSON.stringify(r)));
  if (summary.kind !== "summary") return;
  assert.is(summary.instances, 3);
  assert.is(summary.tokens, 3 * (30 + AUDIT_CASES_PER_INSTANCE));
  assert.is(summary.findings, records.length - 1);
  assert.equal(summary.perInstance.map((p) => p.pages), [1, 1, 1]);
  const bySeverity = { info: 0, warning: 0, critical: 0 };
  for (const r of records) if (r.kind === "finding") bySeverity[r.severity] += 1;
  assert.equal(summary.bySeverity, bySeverity);
  assert.is(summary.clean, false);
  const t = summary.timeline;
  assert.is(t.weeks.reduce((a, b) => a + b, 0) + t.earlier + t.later + t.never, summary.tokens);
});

test("the seeded audit cases trip every rule, each on the token named for it", async () => {
  const records = await collect(auditTokens(client(), {
    instanceIds: [server.instanceIds[0]],
    policy: {
      waivers: [{ name: "audit-clean", rules: ["*"], reason: "demo", expires: "2000-01-01" }],
    },
  }));
  const findings = records.filter((r) => r.kind === "finding");
  const rules = new Set(findings.map((f) => f.rule));
  for (const id of [...BUILTIN_RULE_IDS, "waiver-expired"]) assert.ok(rules.has(id), id);
  const on = (name: string) =>
    findings.filter((f) => f.name === name).map((f) => `${f.rule}:${f.severity}`).sort();
  assert.equal(on("audit-clean"), ["waiver-expired:warning"]);
  assert.equal(on("audit-expiring-in-3-days"), ["expiring-soon:critical"]);
  assert.equal(on("audit-expiring-in-20-days"), ["expiring-soon:warning"]);
  assert.equal(on("audit-never-expires"), ["no-expiry:warning"]);
  assert.equal(on("audit-can-mint-tokens"), ["can-mint:critical"]);
  assert.equal(on("audit-rotated"), []);
  assert.equal(on("audit-rotated (retiring 2026-12-08)"), []);
  assert.equal(on("audit-duplicate"), ["duplicate-name:info", "duplicate-name:info"]);
});

test("an instance that cannot be listed is reported, never counted clean", async () => {
  const missing = "aaaaaaaaaaaaaaaaaaaaaaaa";
  const [a, b] = server.instanceIds;
  server.faults.add({ status: 503, action: "list", instanceId: b, times: Infinity });
  try {
    const records = await collect(
      auditTokens(client(), {
        instanceIds: [a, missing, b],
        policy: {
          rules: Object.fromEntries(BUILTIN_RULE_IDS.map((id) => [id, { enabled: false }])),
        },
      }),
    );
    const unlisted = records.filter((r) => r.kind === "unlisted");
    assert.equal(unlisted.map((r) => [r.instanceId, r.statusCode]), [[missing, 404], [b, 503]]);
    const summary = records.at(-1)!;
    if (summary.kind !== "summary") throw new Error("no summary");
    assert.is(summary.findings, 0, "every rule is off");
    assert.is(summary.clean, false, "not clean: two instances were not audited");
    assert.equal(summary.unlisted, [missing, b]);
    assert.equal(summary.perInstance.map((p) => p.listed), [true, false, false]);
  } finally {
    server.faults.clear();
  }
});

test("bad options reject before anything is sent", async () => {
  server.clearRequests();
  const bad: unknown[] = [
    { instanceIds: ["not-an-id"] },
    { instanceIds: [server.instanceIds[0]], polcy: {} },
    {
      instanceIds: [server.instanceIds[0]],
      policy: { rules: { "no-expiry": { enabled: "yes" } } },
    },
    { instanceIds: [server.instanceIds[0]], now: "tomorrow" },
    { instanceIds: [server.instanceIds[0]], concurrency: 0 },
  ];
  for (const options of bad) {
    let error: unknown;
    try {
      await collect(auditTokens(client(), options as never));
    } catch (e) {
      error = e;
    }
    assert.instance(error, LosantValidationError, JSON.stringify(options));
  }
  assert.is(server.requests.length, 0);
});

test("`where` narrows what is checked; `now` moves every rule's clock", async () => {
  const instanceIds = [server.instanceIds[0]];
  const only = await collect(
    auditTokens(client(), { instanceIds, where: (t) => t.name === "audit-duplicate" }),
  );
  const f = only.filter((r) => r.kind === "finding");
  // Both duplicates are checked; each is still a duplicate of the other.
  assert.equal(f.map((r) => r.rule), ["duplicate-name", "duplicate-name"]);
  const later = await collect(
    auditTokens(client(), {
      instanceIds,
      now: Date.now() + 400 * 86_400_000,
      where: (t) => t.name === "audit-clean",
    }),
  );
  assert.ok(
    later.some((r) => r.kind === "finding" && r.rule === "expired"),
    "60 days out has long passed",
  );
});

test("no record holds a secret, even when the server sends every token's secret", async () => {
  const [a] = server.instanceIds;
  const target = server.store.listTokens(a)[0];
  server.store.updateToken(a, target.id, { description: `copied ${target.token} here` });
  const secrets = [accessToken, ...server.store.listTokens(a).map((t) => t.token)];
  const leaky: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    const body = await response.json();
    if (!Array.isArray(body.items)) return new Response(JSON.stringify(body), response);
    const items = body.items.map((t: { id: string }) => ({
      ...t,
      token: server.store.getToken(a, t.id)?.token,
    }));
    return new Response(JSON.stringify({ ...body, items }), {
      status: response.status,
      headers: response.headers,
    });
  };
  const leakyClient = createClient({ accessToken, url: server.url, fetch: leaky });
  const raw = await (await leaky(`${server.url}/instances/${a}/tokens`, {
    headers: { authorization: `Bearer ${accessToken}` },
  })).json();
  assert.ok(raw.items.every((t: { token?: string }) => t.token), "the server really leaks");
  const seenTokens: unknown[] = [];
  const records = await collect(auditTokens(leakyClient, {
    instanceIds: [a],
    rules: {
      // A careless rule that copies whatever it is given into its finding.
      "echo": (t, { listing }) => {
        seenTokens.push(t.token);
        return {
          message: `${t.description} ${JSON.stringify(listing.tokens.map((x) => x.token))}`,
          detail: { token: t },
        };
      },
    },
  }));
  const text = JSON.stringify(records);
  assert.ok(text.includes("copied [redacted] here"), "the rule's copy of the secret was scrubbed");
  for (const secret of secrets) assert.is(text.split(secret).length - 1, 0);
  assert.ok(seenTokens.every((t) => t === undefined), "rules never see a secret");
});

test.run();
