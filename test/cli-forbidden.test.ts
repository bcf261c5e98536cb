// 403s on one instance: after 3 in a row its remaining items are cancelled unsent, while
// the other instances go on (the engine's stopInstanceAfterForbidden, default 3). In-process.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { cli } from "./support/cli-io.ts";
import { type CliFixture, type Json, startCliFixture } from "./support/cli-fixture.ts";

let f: CliFixture;
test.before(async () => void (f = await startCliFixture()));
test.after(() => f.close());

test("3 consecutive 403s on one instance cancel its remaining items unsent; others go on", async () => {
  const { env, instanceA, instanceB } = f;
  for (let i = 0; i < 6; i++) {
    f.server.store.createToken(instanceA, { name: `forb-${i}`, status: "active" });
    f.server.store.createToken(instanceB, { name: `forb-${i}`, status: "active" });
  }
  const fault = f.server.faults.add({
    action: "patch",
    instanceId: instanceA,
    status: 403,
    times: Infinity,
  });
  const sent = f.server.requests.length;
  const r = await cli([
    ...f.base(),
    "deactivate",
    "--instance",
    instanceA,
    "--instance",
    instanceB,
    "--filter",
    "forb-*",
    "--concurrency",
    "1",
    "--yes",
    "--json",
  ], { env });
  fault.remove();
  assert.is(r.code, 1, r.stderr);
  const report: Json = JSON.parse(r.stdout);
  assert.is(report.failed, 3);
  assert.is(report.cancelled, 3);
  assert.is(report.succeeded, 6);
  assert.ok(report.cancellations.every((c: Json) => c.key.startsWith(instanceA.toLowerCase())));
  const toA = f.server.requests.slice(sent).filter((q) =>
    q.method === "PATCH" && q.path.includes(instanceA)
  );
  assert.is(toA.length, 3, "nothing sent to the instance after the third 403");
  assert.match(r.stderr, /CANCELLED/);
});

test.run();
