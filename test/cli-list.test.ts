// `list`: tables, --json and --ndjson, filters across instances.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { cli } from "./support/cli-io.ts";
import { type CliFixture, type Json, ndjson, startCliFixture } from "./support/cli-fixture.ts";

let f: CliFixture;
test.before(async () => void (f = await startCliFixture()));
test.after(() => f.close());

const ciTokens = (instanceId: string) =>
  f.server.store.listTokens(instanceId).filter((t) => /^ci-/i.test(t.name));

test("list --json and --ndjson parse and filter", async () => {
  const { env, instanceA, instanceB } = f;
  const list = await cli([
    ...f.base(),
    "list",
    "--instance",
    instanceA,
    "--instance",
    instanceB,
    "--filter",
    "ci-*",
    "--json",
  ], { env });
  const tokens: Json[] = JSON.parse(list.stdout);
  assert.is(tokens.length, ciTokens(instanceA).length + ciTokens(instanceB).length);
  assert.ok(tokens.every((t) => /^ci-/i.test(t.name) && typeof t.instanceId === "string"));
  const nd = await cli([
    ...f.base(),
    "list",
    "--instance",
    instanceA,
    "--status",
    "inactive",
    "--ndjson",
  ], { env });
  const lines = ndjson(nd.stdout);
  assert.is(
    lines.length,
    f.server.store.listTokens(instanceA).filter((t) => t.status === "inactive").length,
  );
  assert.ok(lines.every((t: Json) => t.status === "inactive"));
});

test("the table has a row per token and a count on stderr", async () => {
  const { env, instanceA } = f;
  const r = await cli([...f.base(), "list", "--instance", instanceA, "--filter", "ci-*"], { env });
  assert.is(r.code, 0, r.stderr);
  const rows = r.stdout.trim().split("\n");
  assert.match(rows[0], /^INSTANCE\s+ID\s+NAME\s+STATUS\s+EXPIRES$/);
  assert.is(rows.length - 1, ciTokens(instanceA).length);
  assert.match(r.stderr, new RegExp(`${ciTokens(instanceA).length} token\\(s\\) in 1 instance`));
});

test("a reader that goes away stops a long --ndjson listing: exit 141, no stack trace", async () => {
  const { env, instanceA } = f;
  // 1 page per request: the listing is long enough to still be going when stdout closes.
  const r = await cli([...f.base(), "list", "--instance", instanceA, "--ndjson"], {
    env,
    closeStdoutAfter: 1,
  });
  assert.is(r.code, 141, r.stderr);
  assert.is(ndjson(r.stdout).length, 1, "one line reached the reader");
  assert.not.match(r.stderr, /at .*\(|Error:/, "no stack trace");
});

test.run();
