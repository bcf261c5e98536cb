/**
 * `losant-tokens rotate` as a process against the embedded server over real sockets:
 * kill -9 at each phase (a create in flight, between create and delivery, between delivery
 * and journaling, during retirements), then `--resume`: the same end state, one live
 * successor per old token, no successor whose secret nobody has, and the secret on file is
 * the live successor's. The access token and every secret are counted in all output
 * (stdout, stderr with -v, results and state files): 0. Also: --dry-run, a missing right,
 * rotate-finish after a grace period.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type FakeLosant, startFakeLosant } from "../src/testing/mod.ts";
import { runCli, startScript } from "./support/spawn-cli.ts";
import { allTokens, occurrences } from "./support/rotation-fixture.ts";

let server: FakeLosant;
let accessToken: string;
let dir: string;
let env: Record<string, string>;
let instances: string[];

test.before(async () => {
  server = await startFakeLosant({ seed: { instances: 2, tokensPerInstance: 2 } });
  accessToken = server.issueAccessToken(["all.Instance"]).token;
  env = { LOSANT_API_TOKEN: accessToken };
  instances = server.instanceIds;
  dir = mkdtempSync(join(tmpdir(), "rotate-cli-"));
});

test.after(async () => {
  rmSync(dir, { recursive: true, force: true });
  await server.close();
});

/** `n` tokens per instance named `${prefix}<i>`, with roles and scope to copy. */
function seed(prefix: string, n: number) {
  const olds = instances.flatMap((instanceId) =>
    Array.from({ length: n }, (_, i) => ({
      instanceId,
      ...server.store.createToken(instanceId, {
        name: `${prefix}${i}`,
        scope: ["all.Instance.read", "data.*"],
        defaultRole: "view",
        description: `${prefix} service`,
      }),
    }))
  );
  return olds;
}

function args(prefix: string, extra: string[] = []): string[] {
  return [
    "--url",
    server.url,
    "-v",
    "rotate",
    ...instances.flatMap((i) => ["--instance", i]),
    "--filter",
    `${prefix}*`,
    "--expires-in",
    "30d",
    "--secrets-dir",
    join(dir, prefix, "secrets"),
    "--state",
    join(dir, prefix, "state.ndjson"),
    "--results-file",
    join(dir, prefix, "results.ndjson"),
    "--concurrency",
    "1",
    "--yes",
    ...extra,
  ];
}

/** Checks the end state of a rotation of `olds` and returns every output text. */
function checkEndState(
  prefix: string,
  olds: { id: string; name: string; instanceId: string }[],
  label: string,
) {
  const tokens = allTokens(server);
  for (const old of olds) {
    const live = [...tokens.values()].filter((t) =>
      t.name === old.name && t.instanceId === old.instanceId
    );
    assert.is(live.length, 1, `${label}: one live successor for ${old.name}`);
    assert.is(live[0].status, "active");
    assert.equal(live[0].scope, ["all.Instance.read", "data.*"]);
    assert.is(live[0].defaultRole, "view");
    assert.is(live[0].description, `${prefix} service`, `${label}: the mark is gone`);
    const instanceId = live[0].instanceId;
    const file = join(dir, prefix, "secrets", `${instanceId}-${old.id}.token`);
    assert.is((statSync(file).mode & 0o777).toString(8), "600");
    const secret = readFileSync(file, "utf8").trim();
    assert.is(server.store.findBySecret(secret)?.token.id, live[0].id, `${label}: file is live`);
    const retired = tokens.get(old.id)!;
    assert.is(retired.status, "inactive", `${label}: old token retired`);
    assert.match(retired.name, /\(retiring \d{4}-\d\d-\d\d\)$/);
  }
  const marked = [...tokens.values()].filter((t) =>
    /losant-tokens rotation/.test(t.description ?? "")
  );
  assert.is(marked.length, 0, `${label}: no successor whose secret nobody has`);
  const prefixed = [...tokens.values()].filter((t) => t.name.startsWith(prefix));
  assert.is(prefixed.length, olds.length * 2, `${label}: each old token and one successor`);
}

function countSecrets(texts: string[], label: string): void {
  const all = texts.join("\n");
  assert.is(occurrences(all, accessToken), 0, `${label}: access token`);
  for (const t of allTokens(server).values()) {
    assert.is(occurrences(all, t.token), 0, `${label}: secret of ${t.name}`);
  }
}

const KILL_POINTS = [
  { name: "a create in flight", point: undefined },
  { name: "between create and delivery", point: "deliver" },
  { name: "between delivery and journaling", point: "delivered" },
  { name: "during retirements", point: "deactivate" },
];

for (const { name, point } of KILL_POINTS) {
  test(`kill -9 ${name}, then --resume: one live successor each, the secret on file is live`, async () => {
    const prefix = `k${point ?? "inflight"}-`;
    const olds = seed(prefix, 2);
    const faults = [];
    if (point === undefined) {
      // The preflight's two create probes pass as they would (400: the right is there); the
      // first real create is applied and its answer hangs, so the process dies right there.
      faults.push(server.faults.add({ action: "create", status: 400, times: instances.length }));
      faults.push(server.faults.add({ action: "create", stallAfterHeadersMs: 60_000 }));
    }
    const run = startScript("src/cli/main.ts", args(prefix), {
      env: point ? { ...env, LOSANT_TOKENS_FAILPOINT: `rotate:${point}` } : env,
    });
    if (point) {
      await run.waitForStderr(new RegExp(`failpoint ${point} reached`));
    } else {
      const until = Date.now() + 20_000;
      const marked = () =>
        [...allTokens(server).values()].some((t) =>
          t.name.startsWith(prefix) && /losant-tokens rotation/.test(t.description ?? "")
        );
      while (!marked() && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
      assert.ok(marked(), `the create was applied before the kill:\n${run.stderr().slice(-1500)}`);
    }
    run.child.kill("SIGKILL");
    const killed = await run.done;
    for (const f of faults) f.remove();
    const state = readFileSync(join(dir, prefix, "state.ndjson"), "utf8");
    assert.ok(state.length > 0, "the journal was written before the kill");

    const plain = await runCli(args(prefix), { env });
    assert.is(plain.code, 2, "an interrupted state needs --resume");
    assert.match(plain.stderr, /--resume/);

    const resumed = await runCli(args(prefix, ["--resume"]), { env });
    assert.is(resumed.code, 0, resumed.stderr.slice(-2000));
    checkEndState(prefix, olds, name);
    countSecrets([
      killed.stdout,
      killed.stderr,
      resumed.stdout,
      resumed.stderr,
      plain.stderr,
      readFileSync(join(dir, prefix, "state.ndjson"), "utf8"),
      readFileSync(join(dir, prefix, "results.ndjson"), "utf8"),
    ], name);
    assert.ok(resumed.stderr.includes('"level"'), "-v logged requests");
  });
}

test("--dry-run prints the plan and changes nothing; a missing right is refused at preflight", async () => {
  const prefix = "dry-";
  seed(prefix, 1);
  const before = allTokens(server);
  const dry = await runCli([
    "--url",
    server.url,
    "rotate",
    "--filter",
    "dry-*",
    "--instance",
    instances[0],
    "--expires-in",
    "7d",
    "--dry-run",
  ], { env });
  assert.is(dry.code, 0, dry.stderr);
  assert.match(dry.stderr, /dry-0 → new "dry-0", old → "dry-0 \(retiring YYYY-MM-DD\)"/);
  assert.equal(allTokens(server), before);
  const weak = server.issueAccessToken(["all.Instance.read", "instanceApiToken.*"]).token;
  const refused = await runCli(args(prefix), { env: { LOSANT_API_TOKEN: weak } });
  assert.is(refused.code, 1);
  assert.match(refused.stderr, /missing rights.*create.*nothing was created/);
  assert.is(allTokens(server).size, before.size + 1, "only the weak token is new");
  assert.not.ok(
    existsSync(join(dir, prefix, "secrets")) &&
      readdirSync(join(dir, prefix, "secrets")).length > 0,
  );
});

test("--grace: the old tokens stay active; rotate-finish retires them once due", async () => {
  const prefix = "grace-";
  const olds = seed(prefix, 1);
  const run = await runCli(args(prefix, ["--grace", "1s"]), { env });
  assert.is(run.code, 0, run.stderr);
  for (const old of olds) {
    assert.is(server.store.getToken(instances[olds.indexOf(old)], old.id)!.status, "active");
  }
  await new Promise((r) => setTimeout(r, 1100)); // the CLI reads the real clock
  const state = join(dir, prefix, "state.ndjson");
  const finish = await runCli(["--url", server.url, "rotate-finish", "--state", state, "--yes"], {
    env,
  });
  assert.is(finish.code, 0, finish.stderr);
  assert.match(finish.stderr, /2 retired/);
  checkEndState(prefix, olds, "after rotate-finish");
});

test.run();
