// The results file: the record of the command that wrote it, a mismatched --resume refused,
// a file of the old format refused, an unwritable file. In-process.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cli } from "./support/cli-io.ts";
import { type CliFixture, type Json, readLines, startCliFixture } from "./support/cli-fixture.ts";

let f: CliFixture;
test.before(async () => void (f = await startCliFixture()));
test.after(() => f.close());

const sentSince = (since: number) =>
  f.server.requests.slice(since).filter((r) => r.method === "PATCH" || r.method === "DELETE")
    .length;

function tokens(prefix: string, n: number, status: "active" | "inactive" = "active") {
  return Array.from(
    { length: n },
    (_, i) => f.server.store.createToken(f.instanceA, { name: `${prefix}-${i}`, status }),
  );
}

test("a results file starts with the record of the command, instances and selection", async () => {
  tokens("rec", 3);
  const file = join(f.dir, "record.ndjson");
  const r = await cli(
    [
      ...f.base(),
      "deactivate",
      "--instance",
      f.instanceA,
      "--filter",
      "rec-*",
      "--results-file",
      file,
      "--yes",
    ],
    { env: f.env },
  );
  assert.is(r.code, 0, r.stderr);
  const [first, ...rest] = readLines(file);
  assert.is(first.run.command, "deactivate");
  assert.equal(first.run.instances, [f.instanceA.toLowerCase()]);
  assert.equal(first.run.params, { filter: "rec-*", status: "active" });
  assert.is(rest.filter((l: Json) => l.status === "succeeded").length, 3);
});

test("--resume with another command's file is refused (exit 2) and nothing is sent", async () => {
  const t = tokens("mix", 4);
  const file = join(f.dir, "mix.ndjson");
  const deactivate = await cli(
    [
      ...f.base(),
      "deactivate",
      "--instance",
      f.instanceA,
      "--filter",
      "mix-*",
      "--results-file",
      file,
      "--yes",
    ],
    { env: f.env },
  );
  assert.is(deactivate.code, 0, deactivate.stderr);
  const sent = f.server.requests.length;
  const del = await cli(
    [
      ...f.base(),
      "delete",
      "--instance",
      f.instanceA,
      "--filter",
      "mix-*",
      "--status",
      "inactive",
      "--resume",
      file,
      "--yes",
    ],
    { env: f.env },
  );
  assert.is(del.code, 2, del.stderr);
  assert.match(del.stderr, /was written by `deactivate --filter 'mix-\*' --status 'active'/);
  const otherFilter = await cli(
    [
      ...f.base(),
      "deactivate",
      "--instance",
      f.instanceA,
      "--filter",
      "mi*",
      "--resume",
      file,
      "--yes",
    ],
    { env: f.env },
  );
  assert.is(otherFilter.code, 2, "the same command with another selection is refused too");
  const appendOther = await cli(
    [
      ...f.base(),
      "activate",
      "--instance",
      f.instanceA,
      "--filter",
      "mix-*",
      "--results-file",
      file,
      "--yes",
    ],
    { env: f.env },
  );
  assert.is(appendOther.code, 2, "another command cannot append to the file");
  assert.match(appendOther.stderr, /choose another --results-file/);
  assert.is(sentSince(sent), 0);
  for (const token of t) assert.ok(f.server.store.getToken(f.instanceA, token.id));
});

test("a results file of the old format (no record) is refused for --resume, nothing sent", async () => {
  const [a] = tokens("legacy", 2);
  const file = join(f.dir, "legacy.ndjson");
  writeFileSync(
    file,
    `${
      JSON.stringify({
        key: `${f.instanceA}/${a.id}`.toLowerCase(),
        index: 0,
        status: "succeeded",
        outcome: "patched",
      })
    }\n`,
  );
  const sent = f.server.requests.length;
  const r = await cli(
    [
      ...f.base(),
      "deactivate",
      "--instance",
      f.instanceA,
      "--filter",
      "legacy-*",
      "--resume",
      file,
      "--yes",
    ],
    { env: f.env },
  );
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, /does not say which command wrote it/);
  assert.is(sentSince(sent), 0);
});

test("--resume of the same command skips what succeeded and says so", async () => {
  tokens("again", 3);
  const file = join(f.dir, "again.ndjson");
  const args = [
    ...f.base(),
    "rename",
    "--instance",
    f.instanceA,
    "--from",
    "again-*",
    "--to",
    "again-x-*",
    "--results-file",
    file,
    "--yes",
  ];
  assert.is((await cli(args, { env: f.env })).code, 0);
  const sent = f.server.requests.length;
  const r = await cli([...args, "--resume", "--json"], { env: f.env });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, /3 token\(s\) already done/);
  assert.is(JSON.parse(r.stdout).total, 0);
  assert.is(sentSince(sent), 0);
});

test("an unwritable --results-file (/dev/full) stops before anything is sent: one line, exit 1", async () => {
  if (!existsSync("/dev/full")) return;
  tokens("full", 3);
  const sent = f.server.requests.length;
  const r = await cli(
    [
      ...f.base(),
      "deactivate",
      "--instance",
      f.instanceA,
      "--filter",
      "full-*",
      "--results-file",
      "/dev/full",
      "--yes",
    ],
    { env: f.env },
  );
  assert.is(r.code, 1, r.stderr);
  const errors = r.stderr.split("\n").filter((l) => l.startsWith("error:"));
  assert.equal(errors, ["error: cannot write --results-file /dev/full (ENOSPC): nothing was sent"]);
  assert.not.match(r.stderr, /\n\s+at /, "no stack trace");
  assert.is(sentSince(sent), 0);
});

test.run();
