/**
 * Every built-in audit rule and its thresholds, on fixed tokens with a fixed `now`: each
 * rule fires on the token it is about, stays quiet at the threshold's other side, and a
 * policy moves the threshold.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { checkToken } from "../src/audit/evaluate.ts";
import { resolvePolicy } from "../src/audit/policy.ts";
import { BUILTIN_RULE_IDS } from "../src/audit/rules/builtin.ts";
import type { AuditPolicy, Finding } from "../src/audit/mod.ts";
import type { ApiToken } from "../mod.ts";

const NOW = Date.parse("2026-12-01T12:00:00Z");
const DAY = 86_400_000;
const INSTANCE = "5e9b2f000000000000000001";
let next = 0;
const iso = (days: number) => new Date(NOW + days * DAY).toISOString();

/** A token no rule objects to; each test changes what its rule is about. */
function clean(fields: Partial<ApiToken> = {}): ApiToken {
  next += 1;
  return {
    id: `5f0000000000000000${String(next).padStart(6, "0")}`,
    name: `clean-${next}`,
    description: "a clean token",
    status: "active",
    creationDate: iso(-10),
    lastUpdated: iso(-10),
    expirationDate: iso(60),
    scope: ["instanceApiToken.get"],
    defaultRole: "view",
    ...fields,
  };
}

function findings(token: ApiToken, policy: AuditPolicy = {}, others: ApiToken[] = []): Finding[] {
  const listing = { instanceId: INSTANCE, tokens: [token, ...others] };
  return checkToken(resolvePolicy(policy), token, listing, NOW).findings;
}

const rules = (token: ApiToken, policy?: AuditPolicy, others?: ApiToken[]) =>
  findings(token, policy, others).map((f) => `${f.rule}:${f.severity}`);

test("a clean token has no finding", () => {
  assert.equal(rules(clean()), []);
});

test("no-expiry: a token without expirationDate", () => {
  const { expirationDate: _, ...never } = clean();
  assert.equal(rules(never as ApiToken), ["no-expiry:warning"]);
  assert.equal(rules(never as ApiToken, { rules: { "no-expiry": { severity: "critical" } } }), [
    "no-expiry:critical",
  ]);
  assert.equal(rules(never as ApiToken, { rules: { "no-expiry": { enabled: false } } }), []);
});

test("expiring-soon: warning within 30 days, critical within 7, thresholds from the policy", () => {
  assert.equal(rules(clean({ expirationDate: iso(31) })), []);
  assert.equal(rules(clean({ expirationDate: iso(30) })), ["expiring-soon:warning"]);
  assert.equal(rules(clean({ expirationDate: iso(7.5) })), ["expiring-soon:warning"]);
  assert.equal(rules(clean({ expirationDate: iso(7) })), ["expiring-soon:critical"]);
  assert.equal(rules(clean({ expirationDate: iso(0.1) })), ["expiring-soon:critical"]);
  const policy = { rules: { "expiring-soon": { warningDays: 60, criticalDays: 40 } } };
  assert.equal(rules(clean({ expirationDate: iso(50) }), policy), ["expiring-soon:warning"]);
  assert.equal(rules(clean({ expirationDate: iso(40) }), policy), ["expiring-soon:critical"]);
  // An inactive token breaks nothing when it expires.
  assert.equal(rules(clean({ expirationDate: iso(3), status: "inactive" })), []);
  const [f] = findings(clean({ expirationDate: iso(3) }));
  assert.is(f.message, "expires in 3 day(s) (2026-12-04)");
  assert.equal(f.detail.settings, { warningDays: 30, criticalDays: 7 });
});

test("expired: past its expirationDate and unchanged for 7 days (by lastUpdated)", () => {
  const old = clean({ expirationDate: iso(-20), lastUpdated: iso(-8), creationDate: iso(-300) });
  assert.equal(rules(old), ["expired:info"]);
  assert.match(findings(old)[0].message, /by lastUpdated; the API records no last use/);
  assert.equal(rules(clean({ expirationDate: iso(-20), lastUpdated: iso(-6) })), []);
  assert.equal(
    rules(clean({ expirationDate: iso(-20), lastUpdated: iso(-6) }), {
      rules: { expired: { unchangedDays: 5 } },
    }),
    ["expired:info"],
  );
  // An expired token cannot use its scope or role: only `expired` speaks of it.
  assert.equal(
    rules(
      clean({
        expirationDate: iso(-20),
        lastUpdated: iso(-30),
        scope: ["all.Instance"],
        defaultRole: "admin",
      }),
    ),
    ["expired:info"],
  );
});

test("inactive: inactive and unchanged for 30 days", () => {
  assert.equal(rules(clean({ status: "inactive", lastUpdated: iso(-31) })), ["inactive:info"]);
  assert.equal(rules(clean({ status: "inactive", lastUpdated: iso(-29) })), []);
  assert.equal(
    rules(clean({ status: "inactive", lastUpdated: iso(-29) }), {
      rules: { inactive: { unchangedDays: 10, severity: "warning" } },
    }),
    ["inactive:warning"],
  );
});

test("rotation-age: an active token created 90 or more days ago", () => {
  assert.equal(rules(clean({ creationDate: iso(-90) })), ["rotation-age:warning"]);
  assert.equal(rules(clean({ creationDate: iso(-89) })), []);
  assert.equal(
    rules(clean({ creationDate: iso(-89) }), { rules: { "rotation-age": { maxAgeDays: 30 } } }),
    ["rotation-age:warning"],
  );
  assert.equal(
    rules(clean({ creationDate: iso(-200), status: "inactive", lastUpdated: iso(-1) })),
    [],
  );
});

test("broad-scope: all.* scopes except .read and .bounded", () => {
  assert.equal(rules(clean({ scope: ["all.Application"] })), ["broad-scope:warning"]);
  assert.equal(rules(clean({ scope: ["all.Instance.read", "all.User.bounded"] })), []);
  assert.equal(
    rules(clean({ scope: ["all.Instance.read"] }), { rules: { "broad-scope": { except: [] } } }),
    ["broad-scope:warning"],
  );
  assert.equal(findings(clean({ scope: ["all.Device", "data.x"] }))[0].detail.scopes, [
    "all.Device",
  ]);
});

test("can-mint: critical for every scope that authorizes a create, and only those", () => {
  for (const scope of ["instanceApiTokens.post", "instanceApiTokens.*"]) {
    assert.equal(rules(clean({ scope: [scope] })), ["can-mint:critical"], scope);
  }
  for (const scope of ["all.Instance", "all.User"]) {
    assert.equal(
      rules(clean({ scope: [scope] })),
      ["can-mint:critical", "broad-scope:warning"],
      scope,
    );
  }
  // `instanceApiTokens.*` is a scope name, not a glob: `.get` cannot create.
  assert.equal(
    rules(clean({ scope: ["instanceApiTokens.get", "instanceApiToken.*", "all.Instance.read"] })),
    [],
  );
});

test("admin-role: admin as defaultRole or in orgRoles", () => {
  assert.equal(rules(clean({ defaultRole: "admin" })), ["admin-role:warning"]);
  const org = clean({
    orgRoles: [{ orgId: "sandbox", role: "view" }, { orgId: "sandbox", role: "admin" }],
  });
  assert.equal(findings(org)[0].detail.fields, ["orgRoles.1"]);
  assert.equal(
    rules(clean({ defaultRole: "edit", orgRoles: [{ orgId: "sandbox", role: "edit" }] })),
    [],
  );
});

test("duplicate-name: same name in the instance, but a rotation's retiring pair is not", () => {
  const a = clean({ name: "Deploy  Prod" });
  const b = clean({ name: "deploy prod" });
  assert.equal(rules(a, {}, [b]), ["duplicate-name:info"]);
  assert.equal(findings(a, {}, [b])[0].detail.others, [b.id]);
  const successor = clean({ name: "grafana" });
  const retiring = clean({ name: "grafana (retiring 2026-12-08)" });
  assert.equal(rules(successor, {}, [retiring]), []);
  assert.equal(rules(retiring, {}, [successor]), []);
  // Two successors of one name are duplicates all the same.
  assert.equal(rules(successor, {}, [retiring, clean({ name: "grafana" })]), [
    "duplicate-name:info",
  ]);
});

test("no-description: empty or blank", () => {
  assert.equal(rules(clean({ description: "   " })), ["no-description:info"]);
  const { description: _, ...none } = clean();
  assert.equal(rules(none as ApiToken), ["no-description:info"]);
});

test("every built-in rule is covered by a test above", () => {
  const covered = [
    "no-expiry",
    "expiring-soon",
    "expired",
    "inactive",
    "rotation-age",
    "broad-scope",
    "can-mint",
    "admin-role",
    "duplicate-name",
    "no-description",
  ];
  assert.equal([...BUILTIN_RULE_IDS].sort(), covered.sort());
});

test("a finding never holds the token's secret", () => {
  const secret = "eyJhbGciOi.secret.value";
  const all = findings(clean({ token: secret, scope: ["all.Instance"], defaultRole: "admin" }));
  assert.ok(all.length >= 3);
  assert.not.ok(JSON.stringify(all).includes(secret));
});

test.run();
