// deactivate and activate: the plan, the confirmation, partial failures, a dry run per
// token, the CLI's own token last, --stop-after-failures. In-process.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { cli } from "./support/cli-io.ts";
import { type CliFixture, type Json, ndjson, startCliFixture } from "./support/cli-fixture.ts";

let f: CliFixture;
test.before(async () => void (f = await startCliFixture()));
test.after(() => f.close());

const ciTokens = (instanceId: string) =>
  f.server.store.listTokens(instanceId).filter((t) => /^ci-/i.test(t.name));
const patches = (since: number) =>
  f.server.requests.slice(since).filter((r) => r.method === "PATCH").length;

test("a declined confirmation changes nothing and exits 3; --yes --json reports; failures exit 1", async () => {
  const { env, instanceB } = f;
  const active = () => ciTokens(instanceB).filter((t) => t.status === "active");
  const before = active().length;
  assert.ok(before > 2, "the seed has active ci-* tokens");
  const args = [...f.base(), "deactivate", "--instance", instanceB, "--filter", "ci-*"];
  const sent = f.server.requests.length;
  const declined = await cli(args, { env, interactive: true, input: "no\n" });
  assert.is(declined.code, 3, declined.stderr);
  assert.match(declined.stderr, /\[y\/N\]/);
  assert.match(declined.stderr, new RegExp(`instance ${instanceB}: ${before}`));
  assert.is(patches(sent), 0);
  assert.is(active().length, before);

  const refused = await cli(args, { env });
  assert.is(refused.code, 2, "off a terminal without --yes");
  assert.match(refused.stderr, /--yes/);

  f.server.faults.add({ action: "patch", instanceId: instanceB, status: 403, times: 2 });
  const partial = await cli([...args, "--yes", "--json"], { env });
  assert.is(partial.code, 1, partial.stderr);
  const report: Json = JSON.parse(partial.stdout);
  assert.is(report.total, before);
  assert.is(report.failed, 2);
  assert.is(report.succeeded, before - 2);
  assert.is(report.failures.length, 2);
  assert.is(active().length, 2);

  const rest = await cli([...args, "--yes", "--ndjson"], { env });
  assert.is(rest.code, 0, rest.stderr);
  const results = ndjson(rest.stdout);
  assert.is(results.length, 2);
  assert.ok(results.every((r: Json) => r.status === "succeeded"));
  assert.is(active().length, 0);
  assert.match(rest.stderr, /TOTAL\s+2\s+0\s+0\s+0/);
});

test("a dry run shows per token what would change, and changes nothing", async () => {
  const { env, instanceA } = f;
  const active = ciTokens(instanceA).filter((t) => t.status === "active");
  assert.ok(active.length > 0);
  const sent = f.server.requests.length;
  const r = await cli(
    [...f.base(), "deactivate", "--instance", instanceA, "--filter", "ci-*", "--dry-run"],
    { env },
  );
  assert.is(r.code, 0, r.stderr);
  assert.is(patches(sent), 0);
  for (const t of active) {
    assert.match(
      r.stdout,
      new RegExp(
        `would deactivate\\s+${instanceA}\\s+${t.id}\\s+${t.name}\\s+status: active → inactive`,
      ),
    );
  }
  // Deactivated since the listing: the dry run's GET sees it is already so.
  const all = await cli(
    [
      ...f.base(),
      "activate",
      "--instance",
      instanceA,
      "--filter",
      "ci-*",
      "--status",
      "active",
      "--dry-run",
    ],
    { env },
  );
  assert.is(all.code, 0, all.stderr);
  assert.match(all.stdout, /no change\s/);
});

test("activate touches inactive tokens by default", async () => {
  const { env, instanceA } = f;
  const t = f.server.store.createToken(instanceA, { name: "act-1", status: "inactive" });
  f.server.store.createToken(instanceA, { name: "act-2", status: "active" });
  const r = await cli(
    [...f.base(), "activate", "--instance", instanceA, "--filter", "act-*", "--yes", "--json"],
    { env },
  );
  assert.is(r.code, 0, r.stderr);
  assert.is(JSON.parse(r.stdout).total, 1);
  assert.is(f.server.store.getToken(instanceA, t.id)?.status, "active");
});

test("in-flight never shows more than --concurrency without saying what the rest are", async () => {
  const { env, instanceB } = f;
  for (let i = 0; i < 12; i++) {
    f.server.store.createToken(instanceB, { name: `ifl-${i}`, status: "active" });
  }
  const slow = f.server.faults.add({ action: "patch", latencyMs: 40, times: Infinity });
  const r = await cli([
    ...f.base(),
    "deactivate",
    "--instance",
    instanceB,
    "--filter",
    "ifl-*",
    "--concurrency",
    "2",
    "--progress-interval",
    "10",
    "--yes",
  ], { env });
  slow.remove();
  assert.is(r.code, 0, r.stderr);
  const lines = r.stderr.split("\n").filter((l) => l.startsWith("progress:"));
  assert.ok(lines.length > 0);
  for (const line of lines) {
    const [, shown, rest] = /in-flight (\d+)( \(\+\d+ waiting to retry or for a slot\))?/.exec(
      line,
    )!;
    assert.ok(Number(shown) <= 2, line);
    if (rest !== undefined) assert.is(Number(shown), 2, line);
  }
});

test("the CLI's own access token runs last and is called out", async () => {
  const { instanceB } = f;
  const self = f.server.issueAccessToken(["all.Instance"], {
    instanceId: instanceB,
    name: "ci-self",
  });
  const victim = f.server.store.createToken(instanceB, { name: "ci-zz-victim", status: "active" });
  const r = await cli(
    [...f.base(), "deactivate", "--instance", instanceB, "--filter", "ci-*", "--yes", "--ndjson"],
    { env: { LOSANT_API_TOKEN: self.token } },
  );
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, /is the access token this CLI is using/);
  const keys = ndjson(r.stdout).map((l: Json) => l.key);
  assert.is(keys.length, 2);
  assert.is(keys.at(-1), `${instanceB}/${self.apiTokenId}`.toLowerCase());
  assert.is(f.server.store.getToken(instanceB, victim.id)?.status, "inactive");
  assert.is(f.server.store.getToken(instanceB, self.apiTokenId)?.status, "inactive");
});

test("--stop-after-failures N stops the job after N failures: the rest is cancelled unsent", async () => {
  const { env, instanceA } = f;
  for (let i = 0; i < 8; i++) {
    f.server.store.createToken(instanceA, { name: `saf-${i}`, status: "active" });
  }
  const fault = f.server.faults.add({ action: "patch", status: 403, times: Infinity });
  const sent = f.server.requests.length;
  const r = await cli([
    ...f.base(),
    "deactivate",
    "--instance",
    instanceA,
    "--filter",
    "saf-*",
    "--concurrency",
    "1",
    "--stop-after-failures",
    "2",
    "--yes",
    "--json",
  ], { env });
  fault.remove();
  assert.is(r.code, 1, r.stderr);
  const report: Json = JSON.parse(r.stdout);
  assert.is(report.stopped?.type, "TooManyFailures");
  // The engine may have one more item past its slot when the stop lands (its own rule, the
  // "engine" work of this round); the CLI's part: the option reaches it, nothing after is sent.
  assert.ok(report.failed >= 2 && report.failed <= 3, `failed ${report.failed}`);
  assert.is(report.failed + report.cancelled, 8);
  assert.is(patches(sent), report.failed, "only the ones that failed were sent");
});

test.run();
