import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type FakeLosant, startFakeLosant } from "../src/testing/mod.ts";
import { ROOT, runCli, startProgram, startScript } from "./support/spawn-cli.ts";

// Parsed CLI output is checked field by field at runtime.
// deno-lint-ignore no-explicit-any
type Json = any;

let server: FakeLosant;
let accessToken: string;
let env: Record<string, string>;
let dir: string;
let instanceA: string;
let instanceB: string;

const ciTokens = (instanceId: string) =>
  server.store.listTokens(instanceId).filter((t) => /^ci-/i.test(t.name));

test.before(async () => {
  server = await startFakeLosant({ seed: { instances: 2, tokensPerInstance: 40, random: 3 } });
  accessToken = server.issueAccessToken(["all.Instance"]).token;
  env = { LOSANT_API_TOKEN: accessToken };
  [instanceA, instanceB] = server.instanceIds;
  // Enough active ci-* tokens for a job worth interrupting, whatever the seed holds.
  for (let i = 0; i < 10; i++) {
    server.store.createToken(instanceA, { name: `ci-extra-${i}`, status: "active" });
    server.store.createToken(instanceB, { name: `ci-more-${i}`, status: "active" });
  }
  dir = mkdtempSync(join(tmpdir(), "losant-cli-"));
});

test.after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const base = () => ["--url", server.url];

test("--help on every command prints examples and exits 0", async () => {
  for (
    const command of [[], ["get"], ["patch"], ["list"], ["deactivate"], ["activate"], ["delete"], [
      "rename",
    ]]
  ) {
    const r = await runCli([...command, "--help"]);
    assert.is(r.code, 0, `${command.join(" ")} --help: ${r.stderr}`);
    assert.match(r.stdout, /Examples:/, `${command} help has examples`);
  }
});

test("usage errors exit 2: unknown option, bad id, missing token, bad choice", async () => {
  const unknown = await runCli([...base(), "list", "--nope"], { env });
  assert.is(unknown.code, 2);
  assert.match(unknown.stderr, /unknown option/);
  const badId = await runCli([...base(), "get", "xyz", "--instance", instanceA], { env });
  assert.is(badId.code, 2);
  assert.match(badId.stderr, /not a 24 hex digit id/);
  const noToken = await runCli([...base(), "list", "--instance", instanceA]);
  assert.is(noToken.code, 2);
  assert.match(noToken.stderr, /LOSANT_API_TOKEN/);
  const choice = await runCli([...base(), "list", "--instance", instanceA, "--status", "maybe"], {
    env,
  });
  assert.is(choice.code, 2);
  const noSelection = await runCli([...base(), "deactivate", "--instance", instanceA, "--yes"], {
    env,
  });
  assert.is(noSelection.code, 2);
  assert.match(noSelection.stderr, /needs a selection/);
});

test("get prints a token; --json parses and carries no secret; a missing token exits 1", async () => {
  const stored = server.store.listTokens(instanceA)[0];
  const human = await runCli([...base(), "get", stored.id, "--instance", instanceA], { env });
  assert.is(human.code, 0, human.stderr);
  assert.match(
    human.stdout,
    new RegExp(`name:\\s+${stored.name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`),
  );
  const json = await runCli([...base(), "get", stored.id, "--instance", instanceA, "--json"], {
    env,
  });
  const token: Json = JSON.parse(json.stdout);
  assert.is(token.id, stored.id);
  assert.is(token.status, stored.status);
  assert.is(token.token, undefined);
  assert.not.ok(json.stdout.includes(stored.token));
  const missing = await runCli([...base(), "get", "a".repeat(24), "--instance", instanceA], {
    env,
  });
  assert.is(missing.code, 1);
  assert.match(missing.stderr, /not found/i);
});

test("--token-file works; --token works and warns about shell history", async () => {
  const file = join(dir, "token");
  writeFileSync(file, `${accessToken}\n`);
  const fromFile = await runCli([
    ...base(),
    "--token-file",
    file,
    "list",
    "--instance",
    instanceA,
    "--json",
  ]);
  assert.is(fromFile.code, 0, fromFile.stderr);
  assert.is(JSON.parse(fromFile.stdout).length, server.store.listTokens(instanceA).length);
  const inline = await runCli([
    ...base(),
    "--token",
    accessToken,
    "list",
    "--instance",
    instanceA,
    "--json",
  ]);
  assert.is(inline.code, 0);
  assert.match(inline.stderr, /shell history/);
});

test("patch changes a token; list --json and --ndjson parse and filter", async () => {
  const target = server.store.listTokens(instanceB)[1];
  const r = await runCli(
    [
      ...base(),
      "patch",
      target.id,
      "--instance",
      instanceB,
      "--name",
      "ci-renamed-by-cli",
      "--json",
    ],
    { env },
  );
  assert.is(r.code, 0, r.stderr);
  assert.is(JSON.parse(r.stdout).name, "ci-renamed-by-cli");
  assert.is(server.store.getToken(instanceB, target.id)?.name, "ci-renamed-by-cli");
  const nothing = await runCli([...base(), "patch", target.id, "--instance", instanceB], { env });
  assert.is(nothing.code, 2);

  const list = await runCli([
    ...base(),
    "list",
    "--instance",
    instanceA,
    "--instance",
    instanceB,
    "--filter",
    "ci-*",
    "--json",
  ], {
    env,
  });
  const tokens: Json[] = JSON.parse(list.stdout);
  assert.is(tokens.length, ciTokens(instanceA).length + ciTokens(instanceB).length);
  assert.ok(tokens.every((t) => /^ci-/i.test(t.name) && typeof t.instanceId === "string"));
  const nd = await runCli([
    ...base(),
    "list",
    "--instance",
    instanceA,
    "--status",
    "inactive",
    "--ndjson",
  ], { env });
  const lines = nd.stdout.trim().split("\n").filter(Boolean).map((l) => JSON.parse(l));
  assert.is(
    lines.length,
    server.store.listTokens(instanceA).filter((t) => t.status === "inactive").length,
  );
  assert.ok(lines.every((t: Json) => t.status === "inactive"));
});

test("delete <id> refuses without --yes off a terminal, honours a refused prompt, deletes on yes", async () => {
  const target = server.store.listTokens(instanceA).at(-1)!;
  const args = [...base(), "delete", target.id, "--instance", instanceA];
  const refused = await runCli(args, { env });
  assert.is(refused.code, 2);
  assert.match(refused.stderr, /--yes/);
  const said = await runCli(args, {
    env: { ...env, LOSANT_TOKENS_INTERACTIVE: "1" },
    input: "n\n",
  });
  assert.is(said.code, 1);
  assert.match(said.stderr, /\[y\/N\]/);
  assert.ok(server.store.getToken(instanceA, target.id), "still there after a refusal");
  const yes = await runCli(args, { env: { ...env, LOSANT_TOKENS_INTERACTIVE: "1" }, input: "y\n" });
  assert.is(yes.code, 0, yes.stderr);
  assert.is(server.store.getToken(instanceA, target.id), undefined);
});

test("bulk: a refused confirmation changes nothing; --yes --json reports and changes; failures exit 1", async () => {
  const active = () => ciTokens(instanceB).filter((t) => t.status === "active");
  const before = active().length;
  assert.ok(before > 2, "the seed has active ci-* tokens");
  const args = [...base(), "deactivate", "--instance", instanceB, "--filter", "ci-*"];
  const refused = await runCli(args, {
    env: { ...env, LOSANT_TOKENS_INTERACTIVE: "1" },
    input: "no\n",
  });
  assert.is(refused.code, 1);
  assert.match(refused.stderr, new RegExp(`instance ${instanceB}: ${before}`));
  assert.is(active().length, before);

  server.faults.add({ action: "patch", instanceId: instanceB, status: 403, times: 2 });
  const partial = await runCli([...args, "--yes", "--json"], { env });
  assert.is(partial.code, 1, partial.stderr);
  const report: Json = JSON.parse(partial.stdout);
  assert.is(report.total, before);
  assert.is(report.failed, 2);
  assert.is(report.succeeded, before - 2);
  assert.is(report.failures.length, 2);
  assert.is(active().length, 2);

  const rest = await runCli([...args, "--yes", "--ndjson"], { env });
  assert.is(rest.code, 0, rest.stderr);
  const results = rest.stdout.trim().split("\n").map((l) => JSON.parse(l));
  assert.is(results.length, 2);
  assert.ok(results.every((r: Json) => r.status === "succeeded"));
  assert.is(active().length, 0);
  assert.match(rest.stderr, /TOTAL\s+2\s+0\s+0\s+0/);
});

test("rename --from/--to maps the glob; --dry-run changes nothing", async () => {
  const names = ciTokens(instanceB).map((t) => t.name);
  const dry = await runCli(
    [
      ...base(),
      "rename",
      "--instance",
      instanceB,
      "--from",
      "ci-*",
      "--to",
      "old-ci-*",
      "--dry-run",
      "--json",
    ],
    { env },
  );
  assert.is(dry.code, 0, dry.stderr);
  assert.is(JSON.parse(dry.stdout).dryRun, true);
  assert.equal(ciTokens(instanceB).map((t) => t.name), names);
  const r = await runCli([
    ...base(),
    "rename",
    "--instance",
    instanceB,
    "--from",
    "ci-*",
    "--to",
    "old-ci-*",
    "--yes",
  ], { env });
  assert.is(r.code, 0, r.stderr);
  const renamed = server.store.listTokens(instanceB).map((t) => t.name);
  for (const name of names) assert.ok(renamed.includes(`old-${name}`), `${name} renamed`);
  assert.is(ciTokens(instanceB).length, 0);
});

test("the CLI's own access token runs last and is called out", async () => {
  const self = server.issueAccessToken(["all.Instance"], {
    instanceId: instanceB,
    name: "ci-self",
  });
  const victim = server.store.createToken(instanceB, { name: "ci-zz-victim", status: "active" });
  const r = await runCli(
    [...base(), "deactivate", "--instance", instanceB, "--filter", "ci-*", "--yes", "--ndjson"],
    { env: { LOSANT_API_TOKEN: self.token } },
  );
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, /is the access token this CLI is using/);
  const keys = r.stdout.trim().split("\n").map((l) => JSON.parse(l).key);
  assert.is(keys.length, 2);
  assert.is(keys.at(-1), `${instanceB}/${self.apiTokenId}`.toLowerCase());
  assert.is(server.store.getToken(instanceB, victim.id)?.status, "inactive");
  assert.is(server.store.getToken(instanceB, self.apiTokenId)?.status, "inactive");
});

test("Ctrl-C mid-run exits 130 with a results file; --resume finishes the job", async () => {
  const active = () => ciTokens(instanceA).filter((t) => t.status === "active");
  const total = active().length;
  assert.ok(total >= 6, `enough active ci-* tokens (${total})`);
  const resultsFile = join(dir, "run.ndjson");
  const slow = server.faults.add({ action: "patch", latencyMs: 300, times: Infinity });
  const args = [
    ...base(),
    "deactivate",
    "--instance",
    instanceA,
    "--filter",
    "ci-*",
    "--concurrency",
    "1",
    "--results-file",
    resultsFile,
    "--yes",
    "--progress-interval",
    "50",
  ];
  const run = startScript("src/cli/main.ts", args, { env });
  await run.waitForStderr(/progress: [1-9]/);
  run.child.kill("SIGINT");
  const first = await run.done;
  slow.remove();
  // Deno's child_process reports an exit status above 128 as the signal it encodes; the
  // message the CLI prints after handling the signal shows it exited on its own terms.
  const exit = first.code ?? (first.signal === "SIGINT" ? 130 : first.signal);
  assert.is(exit, 130, first.stderr);
  assert.match(first.stderr, /finish with --resume/);
  const lines = readFileSync(resultsFile, "utf8").trim().split("\n").map((l) => JSON.parse(l));
  const succeeded = lines.filter((l: Json) => l.status === "succeeded").length;
  assert.ok(succeeded >= 1 && succeeded < total, `some but not all done (${succeeded}/${total})`);
  assert.is(active().length, total - succeeded);

  const resumed = await runCli([...args.slice(0, -2), "--resume", "--json"], { env });
  assert.is(resumed.code, 0, resumed.stderr);
  const report: Json = JSON.parse(resumed.stdout);
  assert.is(report.failed, 0);
  assert.is(active().length, 0);
  const all = readFileSync(resultsFile, "utf8").trim().split("\n").map((l) => JSON.parse(l));
  const done = new Set(all.filter((l: Json) => l.status === "succeeded").map((l: Json) => l.key));
  assert.is(done.size, total);
});

/** Runs the CLI and kills it outright (SIGKILL: no handler runs) once `applied()` holds. */
async function killWhen(args: string[], applied: () => boolean): Promise<void> {
  const run = startScript("src/cli/main.ts", args, { env });
  const until = Date.now() + 30_000;
  while (!applied() && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
  run.child.kill("SIGKILL");
  await run.done;
}

test("kill -9 with a delete in flight: --resume finishes exactly, from the journal", async () => {
  const victims = [1, 2, 3, 4].map((n) =>
    server.store.createToken(instanceB, { name: `killme-${n}`, status: "active" })
  );
  const left = () => victims.filter((t) => server.store.getToken(instanceB, t.id)).length;
  const resultsFile = join(dir, "killed.ndjson");
  // The first delete is applied, then its response hangs: the process dies right there.
  const hang = server.faults.add({ action: "delete", stallAfterHeadersMs: 30_000, times: 1 });
  const args = [
    ...base(),
    "delete",
    "--instance",
    instanceB,
    "--filter",
    "killme-*",
    "--concurrency",
    "1",
    "--results-file",
    resultsFile,
    "--yes",
  ];
  await killWhen(args, () => left() < 4);
  hang.remove();
  assert.is(left(), 3, "one delete was applied before the kill");
  const journal = readFileSync(resultsFile, "utf8").trim().split("\n").map((l) => JSON.parse(l));
  assert.equal(journal.map((l: Json) => l.status), ["started"], "no result, only the journal");

  const resumed = await runCli([...args, "--resume", "--json"], { env });
  assert.is(resumed.code, 0, resumed.stderr);
  const report: Json = JSON.parse(resumed.stdout);
  assert.is(report.failed, 0, JSON.stringify(report.failures));
  assert.is(left(), 0);
  const lines = readFileSync(resultsFile, "utf8").trim().split("\n").map((l) => JSON.parse(l));
  const first = lines.filter((l: Json) => l.key === journal[0].key && l.status !== "started");
  assert.equal(first.map((l: Json) => [l.status, l.outcome]), [["succeeded", "alreadyDeleted"]]);
});

test("kill -9 mid-rename: --resume repeats the journaled patch for a token that left the selection", async () => {
  const victims = [1, 2, 3].map((n) => server.store.createToken(instanceB, { name: `mv-${n}` }));
  const names = () => victims.map((t) => server.store.getToken(instanceB, t.id)!.name);
  const resultsFile = join(dir, "rename-killed.ndjson");
  const hang = server.faults.add({ action: "patch", stallAfterHeadersMs: 30_000, times: 1 });
  const args = [
    ...base(),
    "rename",
    "--instance",
    instanceB,
    "--from",
    "mv-*",
    "--to",
    "moved-*",
    "--concurrency",
    "1",
    "--results-file",
    resultsFile,
    "--yes",
  ];
  await killWhen(args, () => names().some((n) => n.startsWith("moved-")));
  hang.remove();
  const journal = readFileSync(resultsFile, "utf8").trim().split("\n").map((l) => JSON.parse(l));
  assert.equal(journal.map((l: Json) => l.status), ["started"]);
  assert.match(journal[0].apiToken.name, /^moved-\d$/);

  const resumed = await runCli([...args, "--resume", "--json"], { env });
  assert.is(resumed.code, 0, resumed.stderr);
  assert.equal(names().sort(), ["moved-1", "moved-2", "moved-3"]);
  const lines = readFileSync(resultsFile, "utf8").trim().split("\n").map((l) => JSON.parse(l));
  const results = lines.filter((l: Json) => l.status !== "started");
  assert.is(results.length, 3, "each token has exactly one result");
  assert.ok(results.every((l: Json) => l.status === "succeeded"));
});

test("the same CLI runs under Deno and Bun", async () => {
  const bin = (name: string) => join(ROOT, "node_modules", ".bin", name);
  const runs = [
    [bin("deno"), ["run", "-A", "src/cli/main.ts"]],
    [bin("bun"), ["src/cli/main.ts"]],
  ] as const;
  for (const [command, prefix] of runs) {
    const args = [...prefix, ...base(), "list", "--instance", instanceA, "--json"];
    const r = await startProgram(command, args, { env }).done;
    assert.is(r.code, 0, `${command}: ${r.stderr}`);
    const listed: Json[] = JSON.parse(r.stdout);
    assert.is(listed.length, server.store.listTokens(instanceA).length, command);
  }
});

test("--embedded runs with no account", async () => {
  const r = await runCli(["--embedded", "list", "--filter", "ci-*", "--json"]);
  assert.is(r.code, 0, r.stderr);
  const tokens: Json[] = JSON.parse(r.stdout);
  assert.ok(tokens.length > 0);
  assert.ok(new Set(tokens.map((t) => t.instanceId)).size === 3);
  // The ids in `get --help` are the embedded seed's: the example must keep working.
  const example = await runCli([
    "--embedded",
    "get",
    "0eb7c31d72589228fac0f8ba",
    "--instance",
    "02ff152c0fdc7f12fa169e5e",
  ]);
  assert.is(example.code, 0, example.stderr);
  const both = await runCli(["--embedded", "--url", "http://127.0.0.1:1", "list"]);
  assert.is(both.code, 2);
});

test.run();
