/**
 * Audit policies: checked like every input (unknown keys refused at every level, the error
 * names the field and never quotes the value), waivers that silence a rule until they
 * expire and then are findings themselves, and user rules as plain functions.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { checkToken } from "../src/audit/evaluate.ts";
import { resolvePolicy } from "../src/audit/policy.ts";
import { LosantValidationError } from "../mod.ts";
import type { ApiToken } from "../mod.ts";
import type { UserRule } from "../src/audit/mod.ts";

const NOW = Date.parse("2026-12-01T12:00:00Z");
const INSTANCE = "5e9b2f000000000000000001";
const OTHER = "5e9b2f000000000000000002";
const token: ApiToken = {
  id: "5f00000000000000000000aa",
  name: "grafana-reader",
  description: "dashboards",
  status: "active",
  creationDate: "2026-11-20T00:00:00Z",
  lastUpdated: "2026-11-20T00:00:00Z",
  scope: ["all.Instance.read"],
};

function refused(policy: unknown, path: string, rule?: string): LosantValidationError {
  try {
    resolvePolicy(policy);
  } catch (error) {
    assert.instance(error, LosantValidationError);
    const e = error as LosantValidationError;
    assert.ok(
      e.issues.some((i) => i.path === path && (rule === undefined || i.rule === rule)),
      `${path}: ${e.message}`,
    );
    return e;
  }
  throw new Error(`accepted ${JSON.stringify(policy)}`);
}

test("unknown keys are refused at every level, and the value is never quoted", () => {
  refused({ rulez: {} }, "rulez", "unknown_key");
  refused({ rules: { "no-expirey": {} } }, "rules.no-expirey", "unknown_key");
  refused(
    { rules: { "rotation-age": { maxAgeDay: 30 } } },
    "rules.rotation-age.maxAgeDay",
    "unknown_key",
  );
  refused(
    {
      waivers: [{ name: "x", rules: ["no-expiry"], reason: "r", expires: "2027-01-01", until: 1 }],
    },
    "waivers.0.until",
    "unknown_key",
  );
  // expiring-soon's severity comes from its thresholds: no severity key.
  refused(
    { rules: { "expiring-soon": { severity: "info" } } },
    "rules.expiring-soon.severity",
    "unknown_key",
  );
  const e = refused(
    { rules: { "rotation-age": { maxAgeDays: "SECRET-VALUE-90" } } },
    "rules.rotation-age.maxAgeDays",
  );
  assert.not.ok(e.message.includes("SECRET-VALUE"), e.message);
});

test("bad values are refused with the field named", () => {
  refused(
    { rules: { "rotation-age": { maxAgeDays: -1 } } },
    "rules.rotation-age.maxAgeDays",
    "min_value",
  );
  refused(
    { rules: { "no-expiry": { severity: "urgent" } } },
    "rules.no-expiry.severity",
    "picklist",
  );
  refused(
    { rules: { "expiring-soon": { warningDays: 5, criticalDays: 10 } } },
    "rules.expiring-soon.criticalDays",
    "max_value",
  );
  refused(
    { waivers: [{ rules: ["no-expiry"], reason: "r", expires: "2027-01-01" }] },
    "waivers.0",
    "check",
  );
  refused(
    { waivers: [{ name: "x", rules: ["nope"], reason: "r", expires: "2027-01-01" }] },
    "waivers.0.rules.0",
    "picklist",
  );
  refused(
    { waivers: [{ name: "x", rules: [], reason: "r", expires: "2027-01-01" }] },
    "waivers.0.rules",
    "min_length",
  );
  refused(
    { waivers: [{ name: "x", rules: ["*"], reason: "", expires: "2027-01-01" }] },
    "waivers.0.reason",
    "min_length",
  );
  refused(
    { waivers: [{ name: "x", rules: ["*"], reason: "r", expires: "next week" }] },
    "waivers.0.expires",
    "regex",
  );
  refused(
    { waivers: [{ name: "x", rules: ["*"], reason: "r", expires: "2027-02-31T25:00Z" }] },
    "waivers.0.expires",
  );
  refused([], "(params)");
});

const never: ApiToken = token; // no expirationDate: a no-expiry finding
const rulesOf = (policy: unknown, instanceId = INSTANCE, t: ApiToken = never) => {
  const v = checkToken(resolvePolicy(policy), t, { instanceId, tokens: [t] }, NOW);
  return { rules: v.findings.map((f) => f.rule), findings: v.findings, waived: v.waived };
};

test("a waiver silences its rules for its tokens until it expires", () => {
  const waiver = {
    name: "GRAFANA-*",
    rules: ["no-expiry"],
    reason: "INFRA-12",
    expires: "2027-01-01",
  };
  assert.equal(rulesOf({}).rules, ["no-expiry"]);
  assert.equal(rulesOf({ waivers: [waiver] }), { rules: [], findings: [], waived: ["no-expiry"] });
  // Other rules, other tokens and other instances are untouched.
  assert.equal(rulesOf({ waivers: [{ ...waiver, rules: ["admin-role"] }] }).rules, ["no-expiry"]);
  assert.equal(rulesOf({ waivers: [{ ...waiver, name: "deploy-*" }] }).rules, ["no-expiry"]);
  assert.equal(rulesOf({ waivers: [{ ...waiver, instanceId: OTHER }] }).rules, ["no-expiry"]);
  assert.equal(rulesOf({ waivers: [{ ...waiver, instanceId: OTHER }] }, OTHER).rules, []);
  assert.equal(
    rulesOf({
      waivers: [{
        apiTokenId: token.id.toUpperCase(),
        rules: ["*"],
        reason: "r",
        expires: "2027-01-01",
      }],
    }).rules,
    [],
  );
});

test("an expired waiver waives nothing and is a finding of its own", () => {
  const expired = {
    name: "grafana-*",
    rules: ["no-expiry"],
    reason: "INFRA-12",
    expires: "2026-12-01",
  };
  const { rules, findings } = rulesOf({ waivers: [expired] });
  assert.equal(rules, ["no-expiry", "waiver-expired"]);
  const f = findings[1];
  assert.is(f.severity, "warning");
  assert.equal(f.detail, {
    waiver: 0,
    rules: ["no-expiry"],
    reason: "INFRA-12",
    expires: "2026-12-01",
  });
  assert.match(f.message, /expired on 2026-12-01/);
  // It expires at the start of its day (UTC): one millisecond before, it still holds.
  const justBefore = checkToken(
    resolvePolicy({ waivers: [{ ...expired, expires: "2026-12-01T12:00:00.001Z" }] }),
    never,
    { instanceId: INSTANCE, tokens: [never] },
    NOW,
  );
  assert.equal(justBefore.findings, []);
  assert.equal(
    rulesOf({ waivers: [expired], rules: { "waiver-expired": { severity: "critical" } } })
      .findings[1].severity,
    "critical",
  );
  assert.equal(
    rulesOf({ waivers: [expired], rules: { "waiver-expired": { enabled: false } } }).rules,
    ["no-expiry"],
  );
});

test("user rules are plain functions of a token and its listing, switched by the policy", () => {
  const calls: number[] = [];
  const ownerTag: UserRule = (t, { listing, now }) => {
    calls.push(listing.tokens.length, now);
    return /owner:/.test(t.description ?? "")
      ? undefined
      : { severity: "critical", message: "no owner: tag", detail: { hint: "add owner:" } };
  };
  const policy = resolvePolicy({}, { "owner-tag": ownerTag });
  const v = checkToken(policy, never, { instanceId: INSTANCE, tokens: [never, never] }, NOW);
  assert.equal(v.findings.map((f) => [f.rule, f.severity, f.message]), [[
    "no-expiry",
    "warning",
    "never expires",
  ], ["owner-tag", "critical", "no owner: tag"]]);
  assert.equal(calls, [2, NOW]);
  const quiet = resolvePolicy({ rules: { "owner-tag": { enabled: false } } }, {
    "owner-tag": ownerTag,
  });
  assert.equal(quiet.rules.map((r) => r.id).includes("owner-tag"), false);
  const louder = resolvePolicy({ rules: { "owner-tag": { severity: "info" } } }, {
    "owner-tag": ownerTag,
  });
  assert.is(
    checkToken(louder, never, { instanceId: INSTANCE, tokens: [never] }, NOW).findings[1].severity,
    "info",
  );
  // A policy may name the user's rules, and only them.
  assert.throws(
    () => resolvePolicy({ rules: { "owner-tags": {} } }, { "owner-tag": ownerTag }),
    (e: unknown) => e instanceof LosantValidationError,
  );
  assert.throws(
    () => resolvePolicy({}, { "no-expiry": ownerTag }),
    (e: unknown) => e instanceof LosantValidationError,
  );
  assert.throws(
    () => resolvePolicy({}, { x: "not a function" as unknown as UserRule }),
    (e: unknown) => e instanceof LosantValidationError,
  );
});

test("a user rule that throws names itself and the token", () => {
  const policy = resolvePolicy({}, {
    broken: () => {
      throw new Error("boom");
    },
  });
  assert.throws(
    () => checkToken(policy, never, { instanceId: INSTANCE, tokens: [never] }, NOW),
    /audit rule broken failed on token 5f00000000000000000000aa/,
  );
});

test.run();
