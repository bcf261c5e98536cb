/**
 * Findings drive rotation, end to end through the CLI (in-process, real sockets):
 * `audit --ndjson --rule rotation-age` into `rotate --from-findings` as a dry run (nothing
 * changes, stale findings named) and for real, where each token is re-checked on the read
 * its rotation copies it from, so a finding gone stale creates nothing and is reported
 * skipped. The new secrets reach the sink only: every secret of the store is counted in
 * what the CLI printed. And rotateTokens' `recheck` hook on its own.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "../mod.ts";
import { memoryJournal, memorySink, rotateTokens } from "../src/batch/mod.ts";
import { type FakeLosant, startFakeLosant } from "../src/testing/mod.ts";
import { type CliAgainst, cliAgainst } from "./support/cli-io.ts";
import { allTokens, occurrences } from "./support/rotation-fixture.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

let server: FakeLosant;
let env: Record<string, string>;
let dir: string;
let instances: string[];
const DAY = 86_400_000;

test.before(async () => {
  server = await startFakeLosant({
    seed: { instances: 2, tokensPerInstance: 12, random: 5, auditCases: true },
  });
  env = { LOSANT_API_TOKEN: server.issueAccessToken(["all.Instance"]).token };
  instances = server.instanceIds;
  dir = mkdtempSync(join(tmpdir(), "losant-rotate-findings-"));
});

test.after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

// In process; `terminal` is what a person types at /dev/tty when stdin holds the findings.
const cli: CliAgainst = (...args) => cliAgainst(server.url, env)(...args);

const findingsOf = (ndjson: string) =>
  ndjson.trimEnd().split("\n").map((l) => JSON.parse(l)).filter((r: Json) => r.kind === "finding");

// Changes the server accepted (preflight's probes are refused or find nothing).
const writes = () =>
  server.requests.filter((r) => r.method !== "GET" && (r.status ?? 500) < 300).length;

async function auditRotationAge(): Promise<string> {
  const audit = await cli([
    "audit",
    ...instances.flatMap((i) => ["--instance", i]),
    "--rule",
    "rotation-age",
    "--ndjson",
  ]);
  assert.is(audit.code, 0, audit.stderr);
  return audit.stdout;
}

test("rotate --from-findings: the usual confirmation and refusals, nothing sent", async () => {
  const ndjson = await auditRotationAge();
  assert.ok(findingsOf(ndjson).length > 0);
  const dup = await cli([
    "audit",
    "--instance",
    instances[0],
    "--rule",
    "duplicate-name",
    "--ndjson",
  ]);
  const before = server.store.snapshot();
  const sent = writes();
  const rotate = (extra: string[]) => [
    "rotate",
    "--expires-in",
    "30d",
    "--secrets-dir",
    join(dir, "never"),
    "--state",
    join(dir, "never.ndjson"),
    ...extra,
  ];
  const cases: [string[], string | undefined, string | undefined, number, RegExp][] = [
    [
      rotate(["--from-findings", "-"]),
      ndjson,
      undefined,
      2,
      /stdin carried the findings.*pass --yes/,
    ],
    [rotate(["--from-findings", "-"]), ndjson, "n\n", 3, /aborted: nothing changed/],
    [
      rotate(["--from-findings", "-", "--filter", "svc-*", "--yes"]),
      ndjson,
      undefined,
      2,
      /whole selection: drop --filter/,
    ],
    [
      ["--token-file", "-", ...rotate(["--from-findings", "-", "--yes"])],
      `${env.LOSANT_API_TOKEN}\n`,
      undefined,
      2,
      /two inputs on standard input: --from-findings - and --token-file -/,
    ],
    [
      rotate(["--from-findings", "-", "--yes"]),
      dup.stdout,
      undefined,
      2,
      /duplicate-name findings cannot drive a change/,
    ],
  ];
  for (const [args, input, terminal, code, message] of cases) {
    const r = await cli(args, input, terminal);
    assert.is(r.code, code, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
  assert.equal(server.store.snapshot(), before);
  assert.is(writes(), sent);
});

test("audit → rotate dry run → real rotate: secrets to the sink only, a stale finding rotates nothing", async () => {
  const ndjson = await auditRotationAge();
  const findings = findingsOf(ndjson);
  const expected = [...allTokens(server).values()].filter((t) =>
    t.status === "active" && Date.parse(t.creationDate) <= Date.now() - 90 * DAY &&
    !(t.expirationDate && Date.parse(t.expirationDate) <= Date.now())
  ).map((t) => t.id).sort();
  assert.ok(expected.length >= 4, "the seed has tokens older than 90 days");
  assert.equal(findings.map((f: Json) => f.apiTokenId).sort(), expected);
  const file = join(dir, "findings.ndjson");
  writeFileSync(file, ndjson);
  const outputs: string[] = [];

  const before = server.store.snapshot();
  const sent = writes();
  const common = ["--expires-in", "30d"];
  const dry = await cli(["rotate", "--from-findings", file, ...common, "--dry-run", "--json"]);
  outputs.push(dry.stdout, dry.stderr);
  assert.is(dry.code, 0, dry.stderr);
  assert.equal(server.store.snapshot(), before, "a dry run changes nothing");
  assert.is(writes(), sent, "and sends no change");
  assert.equal(JSON.parse(dry.stdout), {
    command: "rotate",
    dryRun: true,
    planned: expected.length,
    stale: 0,
  });

  // Between the audit and the rotation: one token is deactivated, one deleted.
  const [deactivated, deleted] = findings.slice(0, 2);
  server.store.updateToken(deactivated.instanceId, deactivated.apiTokenId, {
    status: "inactive",
  });
  server.store.deleteToken(deleted.instanceId, deleted.apiTokenId);
  const frozen = server.store.getToken(deactivated.instanceId, deactivated.apiTokenId);
  const staleKeys = [deactivated, deleted].map((f: Json) => `${f.instanceId}/${f.apiTokenId}`);
  const rotating = findings.slice(2);

  const dry2 = await cli(["rotate", "--from-findings", file, ...common, "--dry-run", "--json"]);
  outputs.push(dry2.stdout, dry2.stderr);
  assert.is(JSON.parse(dry2.stdout).stale, 2, dry2.stderr);
  for (const key of staleKeys) assert.match(dry2.stderr, `stale ${key}: `);

  const sameName = (f: Json) =>
    server.store.listTokens(f.instanceId).filter((t) => t.name === f.name).length;
  const namesBefore = new Map([deactivated, deleted].map((f: Json) => [f.apiTokenId, sameName(f)]));
  const secrets = join(dir, "secrets.ndjson");
  const state = join(dir, "state.ndjson");
  const results = join(dir, "results.ndjson");
  const sink = ["--secrets-file", secrets, "--state", state, "--results-file", results];
  // The findings on standard input: --yes is what confirms.
  const real = await cli(["rotate", "--from-findings", "-", ...common, ...sink, "--yes"], ndjson);
  outputs.push(real.stdout, real.stderr);
  assert.is(real.code, 0, real.stderr);

  const lines = readFileSync(results, "utf8").trimEnd().split("\n").map((l) => JSON.parse(l));
  assert.is(lines.length, findings.length, "every token reported exactly once");
  assert.equal(new Set(lines.map((l: Json) => l.key)).size, findings.length);
  const skipped = lines.filter((l: Json) => l.status === "skipped");
  assert.equal(skipped.map((l: Json) => l.key).sort(), [...staleKeys].sort());
  for (const l of skipped) assert.is(l.type, "StaleFinding");
  assert.match(
    skipped.find((l: Json) => l.key === staleKeys[1]).message,
    /no longer exists/,
  );
  assert.is(lines.filter((l: Json) => l.status === "succeeded").length, rotating.length);
  assert.match(real.stderr, /stale finding \(skipped\)\s+2/);

  // The stale ones: untouched (the deactivated one), no successor for either.
  assert.equal(server.store.getToken(deactivated.instanceId, deactivated.apiTokenId), frozen);
  for (const f of [deactivated, deleted]) {
    assert.is(sameName(f), namesBefore.get(f.apiTokenId), `no successor for ${f.name}`);
  }
  // The others: a successor with the name, the old one retiring and inactive (grace 0).
  const delivered = readFileSync(secrets, "utf8").trimEnd().split("\n").map((l) => JSON.parse(l));
  assert.equal(
    delivered.map((d: Json) => d.oldTokenId).sort(),
    rotating.map((f: Json) => f.apiTokenId).sort(),
  );
  for (const d of delivered) {
    const old = server.store.getToken(d.instanceId, d.oldTokenId)!;
    assert.is(old.status, "inactive");
    assert.match(old.name, / \(retiring \d{4}-\d{2}-\d{2}\)$/);
    const successor = server.store.getToken(d.instanceId, d.successorId)!;
    assert.is(successor.token, d.token, "the sink got the successor's secret");
    assert.is(successor.status, "active");
  }

  // The same findings again, same state file: the journal and the re-check create nothing.
  const tokenCount = allTokens(server).size;
  const changes = writes();
  const again = await cli(["rotate", "--from-findings", file, ...common, ...sink, "--yes"]);
  outputs.push(again.stdout, again.stderr);
  assert.is(again.code, 0, again.stderr);
  assert.is(writes(), changes, "no change accepted");
  assert.is(allTokens(server).size, tokenCount, "no successor created");
  assert.match(again.stderr, /succeeded, 0 failed, \d+ skipped/);

  // No secret in anything the CLI printed, nor in its results or state file.
  const printed = outputs.join("\n") + readFileSync(results, "utf8") +
    readFileSync(state, "utf8");
  let counted = 0;
  for (const t of allTokens(server).values()) {
    counted++;
    assert.is(occurrences(printed, t.token), 0, `secret of ${t.id}`);
  }
  for (const d of delivered) assert.is(occurrences(printed, d.token), 0);
  assert.ok(counted > delivered.length);
});

test("rotateTokens' recheck: asked with the token as read (undefined: gone); a reason skips it", async () => {
  const instanceId = instances[1];
  const client = createClient({ accessToken: env.LOSANT_API_TOKEN, url: server.url });
  const [keep, skip, gone] = ["keep", "skip", "gone"].map((name) =>
    server.store.createToken(instanceId, { name: `recheck-${name}`, scope: ["data.*"] })
  );
  server.store.deleteToken(instanceId, gone.id);
  const asked: [string, string | undefined][] = [];
  const sink = memorySink();
  const job = rotateTokens(
    client,
    [keep, skip, gone].map((t) => ({ instanceId, apiTokenId: t.id })),
    {
      sink,
      journal: memoryJournal(),
      expiresIn: 30 * DAY,
      concurrency: 1,
      recheck(token, key) {
        asked.push([key, token?.name]);
        if (token === undefined) return "the token no longer exists";
        return token.id === skip.id ? "no longer wanted" : undefined;
      },
    },
  );
  const results: Json[] = [];
  job.results$.subscribe((r) => results.push(r));
  const report = await job;
  assert.equal(asked, [
    [`${instanceId}/${keep.id}`, "recheck-keep"],
    [`${instanceId}/${skip.id}`, "recheck-skip"],
    [`${instanceId}/${gone.id}`, undefined],
  ]);
  assert.is(report.succeeded, 1);
  assert.is(report.skipped, 2);
  assert.is(report.failed, 0);
  const byKey = new Map(results.map((r) => [r.key, r]));
  assert.equal(
    [byKey.get(`${instanceId}/${skip.id}`).type, byKey.get(`${instanceId}/${skip.id}`).message],
    ["StaleFinding", "no longer wanted"],
  );
  assert.is(byKey.get(`${instanceId}/${gone.id}`).status, "skipped");
  assert.equal([...sink.secrets.values()].map((d) => d.oldTokenId), [keep.id]);
  assert.is(server.store.getToken(instanceId, skip.id)!.name, "recheck-skip", "left as it was");
  assert.is(
    server.store.listTokens(instanceId).filter((t) => t.name === "recheck-skip").length,
    1,
    "no successor",
  );
});

test("hostile names print as text: the findings' plan and the rotate plan escape every control", async () => {
  const instanceId = instances[0];
  // (No line break: the server's name filter, like a glob, does not match across one.)
  const name = "hostile-\u001b[31mred\u009b2J\u202egpj.exe\u0007\u0000";
  const old = new Date(Date.now() - 400 * DAY).toISOString();
  const token = server.store.createToken(instanceId, {
    name,
    description: "a name meant to rewrite the terminal",
    creationDate: old,
    lastUpdated: old,
    scope: ["data.*"],
  });
  const audit = await cli([
    "audit",
    "--instance",
    instanceId,
    "--rule",
    "rotation-age",
    "--ndjson",
  ]);
  assert.ok(findingsOf(audit.stdout).some((f: Json) => f.apiTokenId === token.id));
  const file = join(dir, "hostile.ndjson");
  writeFileSync(file, audit.stdout);
  const runs = [
    ["delete", "--from-findings", file, "--dry-run"],
    ["rotate", "--from-findings", file, "--expires-in", "30d", "--dry-run"],
    [
      "rotate",
      "--instance",
      instanceId,
      "--filter",
      "hostile-*",
      "--expires-in",
      "30d",
      "--dry-run",
    ],
  ];
  for (const args of runs) {
    const r = await cli(args);
    assert.is(r.code, 0, r.stderr);
    // deno-lint-ignore no-control-regex
    const raw = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
    assert.not.match(r.stdout + r.stderr, raw, args.join(" "));
    assert.match(r.stderr, /hostile-\\(x1b|u001b)\[31mred/, `${args.join(" ")}: ${r.stderr}`);
  }
});

test.run();
