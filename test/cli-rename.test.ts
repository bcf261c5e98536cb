// rename: the --from/--to mapping, a dry run, and renames that are not one-to-one refused
// before anything is sent. In-process.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { cli } from "./support/cli-io.ts";
import { type CliFixture, startCliFixture } from "./support/cli-fixture.ts";

let f: CliFixture;
test.before(async () => void (f = await startCliFixture()));
test.after(() => f.close());

const ciTokens = (instanceId: string) =>
  f.server.store.listTokens(instanceId).filter((t) => /^ci-/i.test(t.name));
const patches = (since: number) =>
  f.server.requests.slice(since).filter((r) => r.method === "PATCH").length;

test("rename --from/--to maps the glob; --dry-run shows each rename and changes nothing", async () => {
  const { env, instanceB } = f;
  const names = ciTokens(instanceB).map((t) => t.name);
  const args = [
    ...f.base(),
    "rename",
    "--instance",
    instanceB,
    "--from",
    "ci-*",
    "--to",
    "old-ci-*",
  ];
  const dry = await cli([...args, "--dry-run", "--json"], { env });
  assert.is(dry.code, 0, dry.stderr);
  assert.is(JSON.parse(dry.stdout).dryRun, true);
  assert.match(dry.stderr, new RegExp(`name: ${names[0]} → old-${names[0]}`));
  assert.equal(ciTokens(instanceB).map((t) => t.name), names);
  const r = await cli([...args, "--yes"], { env });
  assert.is(r.code, 0, r.stderr);
  const renamed = f.server.store.listTokens(instanceB).map((t) => t.name);
  for (const name of names) assert.ok(renamed.includes(`old-${name}`), `${name} renamed`);
  assert.is(ciTokens(instanceB).length, 0);
});

test("a --to with fewer (or more) wildcards than --from is refused before anything is sent", async () => {
  const { env, instanceA } = f;
  const sent = f.server.requests.length;
  for (const [from, to] of [["ci-*-*", "x-*"], ["ci-*", "x-*-*"], ["ci-*", "fixed"]]) {
    const r = await cli(
      [...f.base(), "rename", "--instance", instanceA, "--from", from, "--to", to, "--yes"],
      { env },
    );
    assert.is(r.code, 2, `${from} → ${to}: ${r.stderr}`);
    assert.match(r.stderr, /as many/);
  }
  assert.is(f.server.requests.length, sent, "not even a listing");
});

test("two tokens mapped to one name are refused before anything is sent", async () => {
  const { env, instanceA } = f;
  // Case-insensitive matching: "Dup-1" and "dup-1" both match, and both map to "merged-1".
  f.server.store.createToken(instanceA, { name: "Dup-1" });
  f.server.store.createToken(instanceA, { name: "dup-1" });
  const sent = f.server.requests.length;
  const r = await cli(
    [
      ...f.base(),
      "rename",
      "--instance",
      instanceA,
      "--from",
      "dup-*",
      "--to",
      "merged-*",
      "--yes",
    ],
    { env },
  );
  // Both * matched "1": both would be named "merged-1".
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, /not one-to-one/);
  assert.is(patches(sent), 0);
});

test("a new name another token already has is refused before anything is sent", async () => {
  const { env, instanceA } = f;
  f.server.store.createToken(instanceA, { name: "src-7" });
  f.server.store.createToken(instanceA, { name: "dst-7" });
  f.server.store.createToken(instanceA, { name: "src-8" });
  const sent = f.server.requests.length;
  const r = await cli(
    [...f.base(), "rename", "--instance", instanceA, "--from", "src-*", "--to", "dst-*", "--yes"],
    { env },
  );
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, /would both be named "dst-7"/);
  assert.is(patches(sent), 0);
});

test.run();
