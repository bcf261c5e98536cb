// `patch`: one token's fields from flags or --body.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { cli } from "./support/cli-io.ts";
import { type CliFixture, startCliFixture } from "./support/cli-fixture.ts";

let f: CliFixture;
test.before(async () => void (f = await startCliFixture()));
test.after(() => f.close());

test("patch changes a token; nothing to change is a usage error with nothing sent", async () => {
  const { env, instanceB } = f;
  const target = f.server.store.listTokens(instanceB)[1];
  const r = await cli(
    [...f.base(), "patch", target.id, "--instance", instanceB, "--name", "ci-renamed", "--json"],
    { env },
  );
  assert.is(r.code, 0, r.stderr);
  assert.is(JSON.parse(r.stdout).name, "ci-renamed");
  assert.is(f.server.store.getToken(instanceB, target.id)?.name, "ci-renamed");
  const before = f.server.requests.length;
  const nothing = await cli([...f.base(), "patch", target.id, "--instance", instanceB], { env });
  assert.is(nothing.code, 2);
  assert.match(nothing.stderr, /nothing to change/);
  const badBody = await cli(
    [...f.base(), "patch", target.id, "--instance", instanceB, "--body", "{nope"],
    { env },
  );
  assert.is(badBody.code, 2);
  assert.is(f.server.requests.length, before, "nothing was sent");
});

test("--body and single-field flags merge, the flags winning", async () => {
  const { env, instanceB } = f;
  const target = f.server.store.listTokens(instanceB)[2];
  const r = await cli([
    ...f.base(),
    "patch",
    target.id,
    "--instance",
    instanceB,
    "--body",
    '{"description":"from body","name":"body-name"}',
    "--name",
    "flag-name",
  ], { env });
  assert.is(r.code, 0, r.stderr);
  const stored = f.server.store.getToken(instanceB, target.id)!;
  assert.is(stored.name, "flag-name");
  assert.is(stored.description, "from body");
});

test.run();
