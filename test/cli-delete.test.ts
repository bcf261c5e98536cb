// delete: by ids (one instance) and by selection; the confirmation. In-process.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { cli } from "./support/cli-io.ts";
import { type CliFixture, type Json, startCliFixture } from "./support/cli-fixture.ts";

let f: CliFixture;
test.before(async () => void (f = await startCliFixture()));
test.after(() => f.close());

const deletes = (since: number) =>
  f.server.requests.slice(since).filter((r) => r.method === "DELETE").length;

test("delete <id> refuses without --yes off a terminal, honours a declined prompt, deletes on yes", async () => {
  const { env, instanceA } = f;
  const target = f.server.store.listTokens(instanceA).at(-1)!;
  const args = [...f.base(), "delete", target.id, "--instance", instanceA];
  const sent = f.server.requests.length;
  const refused = await cli(args, { env });
  assert.is(refused.code, 2);
  assert.match(refused.stderr, /--yes/);
  const said = await cli(args, { env, interactive: true, input: "n\n" });
  assert.is(said.code, 3);
  assert.match(said.stderr, /\[y\/N\]/);
  assert.is(deletes(sent), 0);
  assert.ok(f.server.store.getToken(instanceA, target.id), "still there after a refusal");
  const yes = await cli(args, { env, interactive: true, input: "y\n" });
  assert.is(yes.code, 0, yes.stderr);
  assert.is(f.server.store.getToken(instanceA, target.id), undefined);
});

test("delete <ids> runs as a bulk job: a missing id fails alone, the report counts each", async () => {
  const { env, instanceA } = f;
  const a = f.server.store.createToken(instanceA, { name: "byid-a" });
  const b = f.server.store.createToken(instanceA, { name: "byid-b" });
  const missing = "a".repeat(24);
  const r = await cli(
    [...f.base(), "delete", a.id, missing, b.id, "--instance", instanceA, "--yes", "--json"],
    { env },
  );
  assert.is(r.code, 1, r.stderr);
  const report: Json = JSON.parse(r.stdout);
  assert.is(report.total, 3);
  assert.is(report.succeeded, 2);
  assert.is(report.failed, 1);
  assert.is(report.failures[0].key, `${instanceA}/${missing}`.toLowerCase());
  assert.is(f.server.store.getToken(instanceA, a.id), undefined);
  assert.is(f.server.store.getToken(instanceA, b.id), undefined);
});

test("delete <ids> with a selection flag is a usage error; nothing is sent", async () => {
  const { env, instanceA } = f;
  const t = f.server.store.createToken(instanceA, { name: "keep-me" });
  const sent = f.server.requests.length;
  const r = await cli(
    [...f.base(), "delete", t.id, "--instance", instanceA, "--filter", "ci-*", "--yes"],
    { env },
  );
  assert.is(r.code, 2);
  assert.match(r.stderr, /not both/);
  assert.is(f.server.requests.length, sent);
});

test("delete --filter --status deletes exactly the selection", async () => {
  const { env, instanceB } = f;
  const doomed = [1, 2, 3].map((n) =>
    f.server.store.createToken(instanceB, { name: `tmp-${n}`, status: "inactive" })
  );
  const kept = f.server.store.createToken(instanceB, { name: "tmp-active", status: "active" });
  const r = await cli([
    ...f.base(),
    "delete",
    "--instance",
    instanceB,
    "--filter",
    "tmp-*",
    "--status",
    "inactive",
    "--yes",
    "--json",
  ], { env });
  assert.is(r.code, 0, r.stderr);
  assert.is(JSON.parse(r.stdout).succeeded, 3);
  for (const t of doomed) assert.is(f.server.store.getToken(instanceB, t.id), undefined);
  assert.ok(f.server.store.getToken(instanceB, kept.id));
});

test.run();
