/**
 * `losant-tokens rotate` and `rotate-finish` as processes against the embedded server over
 * real sockets: --dry-run, a missing right refused at preflight, a grace period finished by
 * rotate-finish.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { runCli } from "./support/spawn-cli.ts";
import { allTokens } from "./support/rotation-fixture.ts";
import { args, checkEndState, seed, startSuite, stopSuite, suite } from "./support/rotation-cli.ts";

test.before(startSuite);
test.after(stopSuite);

test("--dry-run prints the plan and changes nothing; a missing right is refused at preflight", async () => {
  const prefix = "dry-";
  seed(prefix, 1);
  const before = allTokens(suite.server);
  const dry = await runCli([
    "--url",
    suite.server.url,
    "rotate",
    "--filter",
    "dry-*",
    "--instance",
    suite.instances[0],
    "--expires-in",
    "7d",
    "--dry-run",
  ], { env: suite.env });
  assert.is(dry.code, 0, dry.stderr);
  assert.match(dry.stderr, /dry-0 → new "dry-0", old → "dry-0 \(retiring YYYY-MM-DD\)"/);
  assert.equal(allTokens(suite.server), before);
  const weak = suite.server.issueAccessToken(["all.Instance.read", "instanceApiToken.*"]).token;
  const refused = await runCli(args(prefix), { env: { LOSANT_API_TOKEN: weak } });
  assert.is(refused.code, 1);
  assert.match(refused.stderr, /missing rights.*create.*nothing was created/);
  assert.is(allTokens(suite.server).size, before.size + 1, "only the weak token is new");
  assert.not.ok(
    existsSync(join(suite.dir, prefix, "secrets")) &&
      readdirSync(join(suite.dir, prefix, "secrets")).length > 0,
  );
});

test("--grace: the old tokens stay active; rotate-finish retires them once due", async () => {
  const prefix = "grace-";
  const olds = seed(prefix, 1);
  const run = await runCli(args(prefix, ["--grace", "1s"]), { env: suite.env });
  assert.is(run.code, 0, run.stderr);
  for (const old of olds) {
    assert.is(suite.server.store.getToken(old.instanceId, old.id)!.status, "active");
  }
  await new Promise((r) => setTimeout(r, 1100)); // the CLI reads the real clock
  const state = join(suite.dir, prefix, "state.ndjson");
  const finish = await runCli([
    "--url",
    suite.server.url,
    "rotate-finish",
    "--state",
    state,
    "--yes",
  ], {
    env: suite.env,
  });
  assert.is(finish.code, 0, finish.stderr);
  assert.match(finish.stderr, /2 retired/);
  checkEndState(prefix, olds, "after rotate-finish");
});

test.run();
