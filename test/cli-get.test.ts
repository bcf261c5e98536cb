// `get`: one or more tokens, as text or JSON, never with a secret; names printed as text.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { cli } from "./support/cli-io.ts";
import { type CliFixture, type Json, startCliFixture } from "./support/cli-fixture.ts";

let f: CliFixture;
test.before(async () => void (f = await startCliFixture()));
test.after(() => f.close());

test("get prints a token; --json parses and carries no secret; a missing token exits 1", async () => {
  const { env, instanceA } = f;
  const stored = f.server.store.listTokens(instanceA)[0];
  const human = await cli([...f.base(), "get", stored.id, "--instance", instanceA], { env });
  assert.is(human.code, 0, human.stderr);
  assert.match(
    human.stdout,
    new RegExp(`name:\\s+${stored.name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`),
  );
  const json = await cli([...f.base(), "get", stored.id, "--instance", instanceA, "--json"], {
    env,
  });
  const token: Json = JSON.parse(json.stdout);
  assert.is(token.id, stored.id);
  assert.is(token.status, stored.status);
  assert.is(token.token, undefined);
  assert.not.ok(json.stdout.includes(stored.token));
  const missing = await cli([...f.base(), "get", "a".repeat(24), "--instance", instanceA], {
    env,
  });
  assert.is(missing.code, 1);
  assert.match(missing.stderr, /not found/i);
});

test("a name with control characters and ANSI escapes is printed as text, raw only in JSON", async () => {
  const { env, instanceA } = f;
  const evil = "ci-\u001b[2J\u001b[31mred\u0007\r\u009bbell\u202e";
  const t = f.server.store.createToken(instanceA, { name: evil, status: "active" });
  const human = await cli([...f.base(), "get", t.id, "--instance", instanceA], { env });
  assert.is(human.code, 0, human.stderr);
  for (const raw of ["\u001b", "\u0007", "\r", "\u009b", "\u202e"]) {
    assert.not.ok(human.stdout.includes(raw), `no raw ${JSON.stringify(raw)}`);
  }
  assert.match(human.stdout, /ci-\\x1b\[2J\\x1b\[31mred\\x07\\x0d\\x9bbell\\u\{202e\}/);
  const listed = await cli([...f.base(), "list", "--instance", instanceA, "--filter", "ci-*"], {
    env,
  });
  assert.not.ok(listed.stdout.includes("\u001b"), "list's table has no raw escape");
  const json = await cli([...f.base(), "get", t.id, "--instance", instanceA, "--json"], { env });
  assert.is(JSON.parse(json.stdout).name, evil, "JSON keeps the name exactly (escaped by JSON)");
  assert.not.ok(json.stdout.includes("\u001b"));
  f.server.store.deleteToken(instanceA, t.id);
});

test.run();
