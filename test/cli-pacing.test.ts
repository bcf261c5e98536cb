// Pacing in the CLI: the progress line names the paced instances with their current rate,
// and the summary and --json say how many requests were throttled. In-process, against a
// rate-limited server (real time: the assertions are on what is printed, never on timing).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { cli } from "./support/cli-io.ts";
import { type CliFixture, type Json, startCliFixture } from "./support/cli-fixture.ts";

let f: CliFixture;
test.before(async () => void (f = await startCliFixture()));
test.after(() => f.close());

const RATE = /paced ([0-9a-f]{24}) (\d+\.\d)\/s/;

test("limited by 429s: the progress line shows the instance's rate; the summary and --json count the 429s", async () => {
  const { env, instanceA } = f;
  for (let i = 0; i < 60; i++) f.server.store.createToken(instanceA, { name: `pace-${i}` });
  const limit = f.server.faults.rateLimit({ perSecond: 20, instanceId: instanceA });
  try {
    const r = await cli(
      [
        ...f.base(),
        "delete",
        "--instance",
        instanceA,
        "--filter",
        "pace-*",
        "--yes",
        "--json",
        "--progress-interval",
        "100",
      ],
      { env },
    );
    assert.is(r.code, 0, r.stderr);
    const report: Json = JSON.parse(r.stdout);
    assert.is(report.succeeded, 60);
    assert.ok(limit.used > 0, "the server throttled the job");
    // The listing went through the same limit: the job's own 429s are the deletes'.
    const deletes429 = f.server.requests.filter((q) => q.method === "DELETE" && q.status === 429);
    assert.is(report.throttled, deletes429.length, "--json counts every throttled request");
    assert.ok(report.throttled > 0);
    const paced = r.stderr.split("\n").filter((line) => RATE.test(line));
    assert.ok(paced.length > 0, `no progress line shows a rate:\n${r.stderr}`);
    const [, id, rate] = RATE.exec(paced.at(-1)!)!;
    assert.is(id, instanceA.toLowerCase());
    assert.ok(Number(rate) > 0);
    assert.match(paced.at(-1)!, /throttled \d+/);
    assert.match(paced.at(-1)!, /\/s \(\d+ × 429\)/, "the instance's own 429s on the line");
    assert.match(r.stderr, new RegExp(`${report.throttled} throttled \\(429\\)`), "the summary");
    assert.equal(
      report.throttledByInstance,
      { [instanceA]: report.throttled },
      "--json per instance",
    );
    const row = new RegExp(`${instanceA}\\s+60\\s+0\\s+0\\s+0\\s+${report.throttled}\\n`, "i");
    assert.match(r.stderr, row, "the summary's THROTTLED column");
  } finally {
    limit.remove();
  }
});

test("--rate-per-instance: paced at the told rate from the start, and said so", async () => {
  const { env, instanceB } = f;
  for (let i = 0; i < 20; i++) f.server.store.createToken(instanceB, { name: `told-${i}` });
  const r = await cli(
    [
      ...f.base(),
      "delete",
      "--instance",
      instanceB,
      "--filter",
      "told-*",
      "--yes",
      "--rate-per-instance",
      "40",
      "--progress-interval",
      "100",
    ],
    { env },
  );
  assert.is(r.code, 0, r.stderr);
  const line = r.stderr.split("\n").find((l) => RATE.test(l));
  assert.ok(line, `no progress line shows a rate:\n${r.stderr}`);
  // 40/s less the 3% margin the controller keeps below a told rate.
  assert.match(line!, new RegExp(`paced ${instanceB.toLowerCase()} 38\\.8/s \\(told\\)`));
  assert.match(r.stdout, /0 throttled \(429\)/);
});

test("--rate-per-instance must be a number above 0; nothing is sent", async () => {
  const { env, instanceB } = f;
  const sent = f.server.requests.length;
  const r = await cli(
    [...f.base(), "delete", "--instance", instanceB, "--all", "--yes", "--rate-per-instance", "0"],
    { env },
  );
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, /--rate-per-instance.*must be a number above 0/);
  assert.is(f.server.requests.length, sent);
});

test.run();
