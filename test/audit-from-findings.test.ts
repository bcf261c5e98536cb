/**
 * Findings drive fixes, end to end through the CLI (in-process, real sockets): `audit --ndjson --rule expired` into
 * `delete --from-findings` as a dry run (nothing changes) and then for real, where each
 * token is re-checked first so a finding gone stale changes nothing; the confirmation
 * reads the terminal when stdin holds the findings; bad inputs exit 2 and change nothing.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type FakeLosant, startFakeLosant } from "../src/testing/mod.ts";
import { cli as runCli, type CliAgainst, cliAgainst } from "./support/cli-io.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

let server: FakeLosant;
let env: Record<string, string>;
let dir: string;
let instanceA: string;
let instanceB: string;
const DAY = 86_400_000;

const expiredIn = (id: string) =>
  server.store.listTokens(id).filter((t) =>
    t.expirationDate && Date.parse(t.expirationDate) < Date.now() - DAY &&
    Date.parse(t.lastUpdated) < Date.now() - 8 * DAY
  );

test.before(async () => {
  server = await startFakeLosant({
    seed: { instances: 2, tokensPerInstance: 30, random: 11, auditCases: true },
  });
  env = { LOSANT_API_TOKEN: server.issueAccessToken(["all.Instance"]).token };
  [instanceA, instanceB] = server.instanceIds;
  dir = mkdtempSync(join(tmpdir(), "losant-from-findings-"));
});

test.after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

// In process; `terminal` is what a person types at /dev/tty when stdin holds the findings.
const cli: CliAgainst = (...args) => cliAgainst(server.url, env)(...args);

test("audit → delete dry run → real delete; a stale finding changes nothing", async () => {
  const audit = await cli([
    "audit",
    "--instance",
    instanceA,
    "--instance",
    instanceB,
    "--rule",
    "expired",
    "--ndjson",
  ]);
  assert.is(audit.code, 0, audit.stderr);
  const findings = audit.stdout.trimEnd().split("\n").map((l) => JSON.parse(l)).filter((r: Json) =>
    r.kind === "finding"
  );
  const expected = [...expiredIn(instanceA), ...expiredIn(instanceB)].map((t) => t.id).sort();
  assert.ok(expected.length >= 3, "the seed has expired tokens");
  assert.equal(findings.map((f: Json) => f.apiTokenId).sort(), expected);
  const file = join(dir, "findings.ndjson");
  writeFileSync(file, audit.stdout);
  const before = server.store.snapshot();

  const dry = await cli(["delete", "--from-findings", file, "--dry-run", "--json"]);
  assert.is(dry.code, 0, dry.stderr);
  assert.equal(server.store.snapshot(), before, "a dry run changes nothing");
  const dryReport = JSON.parse(dry.stdout);
  assert.is(dryReport.dryRun, true);
  assert.is(dryReport.total, expected.length);
  assert.ok(!server.requests.some((r) => r.method === "DELETE"));

  // One finding goes stale: someone renewed the token after the audit.
  const [renewed, ...rest] = expected;
  const owner = server.store.getToken(instanceA, renewed) ? instanceA : instanceB;
  server.store.updateToken(owner, renewed, {
    expirationDate: new Date(Date.now() + 90 * DAY).toISOString(),
  });

  const results = join(dir, "results.ndjson");
  // Standard input holds the findings: --yes is what confirms.
  const real = await cli(
    ["delete", "--from-findings", "-", "--yes", "--results-file", results],
    audit.stdout,
  );
  assert.is(real.code, 0, real.stderr);
  assert.ok(server.store.getToken(owner, renewed), "the renewed token is still there");
  for (const id of rest) {
    assert.not.ok(server.store.getToken(instanceA, id) ?? server.store.getToken(instanceB, id), id);
  }
  const lines = readFileSync(results, "utf8").trimEnd().split("\n").map((l) => JSON.parse(l))
    .filter((l: Json) => l.status !== "started");
  assert.is(lines.length, expected.length, "every token reported exactly once");
  const stale = lines.filter((l: Json) => l.type === "StaleFinding");
  assert.equal(stale.map((l: Json) => l.key), [`${owner}/${renewed}`]);
  assert.equal(
    new Set(lines.map((l: Json) => l.index)).size,
    expected.length,
    "indexes are the findings' positions",
  );
  const others = lines.filter((l: Json) => l.status === "succeeded").map((l: Json) =>
    l.key.split("/")[1]
  ).sort();
  assert.equal(others, [...rest].sort());

  // The same findings again: every token is gone or renewed, so nothing is sent.
  const deletes = server.requests.filter((r) => r.method === "DELETE").length;
  const again = await cli(["delete", "--from-findings", file, "--yes"]);
  assert.is(again.code, 0, again.stderr);
  assert.is(server.requests.filter((r) => r.method === "DELETE").length, deletes);
  assert.match(again.stdout, /0 succeeded, 0 failed, \d+ skipped \(\d+ stale\)/);
});

test("deactivate --from-findings re-checks too, and asks on the terminal when stdin is taken", async () => {
  const audit = await cli(["audit", "--instance", instanceA, "--rule", "no-expiry", "--ndjson"]);
  const ids = audit.stdout.trimEnd().split("\n").map((l) => JSON.parse(l)).filter((r: Json) =>
    r.kind === "finding"
  ).map((f: Json) => f.apiTokenId);
  assert.ok(ids.length > 0);
  const before = server.store.snapshot();
  const noTty = await cli(["deactivate", "--from-findings", "-"], audit.stdout);
  assert.is(noTty.code, 2);
  assert.match(noTty.stderr, /pass --yes/);
  const declined = await cli(["deactivate", "--from-findings", "-"], audit.stdout, "n\n");
  assert.is(declined.code, 3, "declined: the CLI's own code for it, as without --from-findings");
  assert.equal(server.store.snapshot(), before, "declined: nothing changed");
  const yes = await cli(["deactivate", "--from-findings", "-"], audit.stdout, "y\n");
  assert.is(yes.code, 0, yes.stderr);
  for (const id of ids) assert.is(server.store.getToken(instanceA, id)!.status, "inactive", id);
});

test("the access token on stdin (--token-file -): findings from a file, confirmed on the terminal", async () => {
  const audit = await cli(["audit", "--instance", instanceB, "--rule", "inactive", "--ndjson"]);
  const ids = audit.stdout.trimEnd().split("\n").map((l) => JSON.parse(l)).filter((r: Json) =>
    r.kind === "finding"
  ).map((f: Json) => f.apiTokenId);
  assert.ok(ids.length > 0);
  const file = join(dir, "inactive.ndjson");
  writeFileSync(file, audit.stdout);
  const token = env.LOSANT_API_TOKEN;
  const r = await runCli(
    ["--url", server.url, "--token-file", "-", "activate", "--from-findings", file],
    { env: {}, input: `${token}\n`, terminal: "y\n" },
  );
  assert.is(r.code, 0, r.stderr);
  for (const id of ids) assert.is(server.store.getToken(instanceB, id)!.status, "active", id);
});

test("bad --from-findings input exits 2 and changes nothing", async () => {
  const before = server.store.snapshot();
  const dup = await cli(["audit", "--instance", instanceA, "--rule", "duplicate-name", "--ndjson"]);
  const cases: [string[], string | undefined, RegExp][] = [
    [
      ["delete", "--from-findings", "-", "--yes"],
      dup.stdout,
      /duplicate-name findings cannot drive a change/,
    ],
    [["delete", "--from-findings", "-", "--yes"], "not json\n", /line 1 is not JSON/],
    [
      ["delete", "--from-findings", "-", "--yes"],
      '{"kind":"finding","instanceId":"x"}\n',
      /line 1: .*instanceId/,
    ],
    [
      ["delete", "--from-findings", "-", "--yes", "--filter", "ci-*"],
      "",
      /whole selection: drop --filter/,
    ],
    [
      ["delete", "--from-findings", "-", "--instances-file", "-", "--yes"],
      "",
      /two inputs on standard input/,
    ],
    [
      ["--token-file", "-", "delete", "--from-findings", "-", "--yes"],
      `${env.LOSANT_API_TOKEN}\n`,
      /two inputs on standard input: --from-findings - and --token-file -/,
    ],
    [
      ["delete", "--from-findings", join(dir, "missing.ndjson"), "--yes"],
      undefined,
      /does not exist/,
    ],
  ];
  for (const [args, input, message] of cases) {
    const r = await cli(args, input);
    assert.is(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
  assert.equal(server.store.snapshot(), before);
});

test.run();
