/**
 * `losant-tokens rotate` as a process, killed with kill -9 at each phase (a create in
 * flight, between create and delivery, between delivery and journaling, during
 * retirements), then `--resume`: the same end state, one live successor per old token, no
 * successor whose secret nobody has, the secret on file the live successor's; the access
 * token and every secret counted in all output (stdout, stderr with -v, results and state
 * files): 0.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { runCli, startScript } from "./support/spawn-cli.ts";
import { allTokens } from "./support/rotation-fixture.ts";
import {
  args,
  checkEndState,
  countSecrets,
  seed,
  startSuite,
  stopSuite,
  suite,
} from "./support/rotation-cli.ts";

test.before(startSuite);
test.after(stopSuite);

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
      faults.push(
        suite.server.faults.add({ action: "create", status: 400, times: suite.instances.length }),
      );
      faults.push(suite.server.faults.add({ action: "create", stallAfterHeadersMs: 60_000 }));
    }
    const run = startScript("src/cli/main.ts", args(prefix), {
      env: point ? { ...suite.env, LOSANT_TOKENS_FAILPOINT: `rotate:${point}` } : suite.env,
    });
    if (point) {
      await run.waitForStderr(new RegExp(`failpoint ${point} reached`));
    } else {
      const until = Date.now() + 20_000;
      const marked = () =>
        [...allTokens(suite.server).values()].some((t) =>
          t.name.startsWith(prefix) && /losant-tokens rotation/.test(t.description ?? "")
        );
      while (!marked() && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
      assert.ok(marked(), `the create was applied before the kill:\n${run.stderr().slice(-1500)}`);
    }
    run.child.kill("SIGKILL");
    const killed = await run.done;
    for (const f of faults) f.remove();
    const state = readFileSync(join(suite.dir, prefix, "state.ndjson"), "utf8");
    assert.ok(state.length > 0, "the journal was written before the kill");

    const plain = await runCli(args(prefix), { env: suite.env });
    assert.is(plain.code, 2, "an interrupted state needs --resume");
    assert.match(plain.stderr, /--resume/);

    const resumed = await runCli(args(prefix, ["--resume"]), { env: suite.env });
    assert.is(resumed.code, 0, resumed.stderr.slice(-2000));
    checkEndState(prefix, olds, name);
    countSecrets([
      killed.stdout,
      killed.stderr,
      resumed.stdout,
      resumed.stderr,
      plain.stderr,
      readFileSync(join(suite.dir, prefix, "state.ndjson"), "utf8"),
      readFileSync(join(suite.dir, prefix, "results.ndjson"), "utf8"),
    ], name);
    assert.ok(resumed.stderr.includes('"level"'), "-v logged requests");
  });
}

test.run();
