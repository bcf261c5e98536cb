// kill -9 in the middle of every bulk command, then --resume: every token ends changed
// exactly once, and each gets exactly one result. The CLI runs as a subprocess on the
// runtime running this file (only a real process can be killed); the resumed run is
// in-process.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { join } from "node:path";
import type { FaultHandle } from "../src/testing/mod.ts";
import { cli } from "./support/cli-io.ts";
import { type CliFixture, type Json, readLines, startCliFixture } from "./support/cli-fixture.ts";
import { startCli } from "./support/spawn-cli.ts";

let f: CliFixture;
test.before(async () => void (f = await startCliFixture()));
test.after(() => f.close());

/**
 * Runs the CLI and kills it outright (SIGKILL: no handler runs) once `applied()` holds;
 * `stall` hangs the responses that follow, so the kill lands with calls in flight.
 */
async function killWhen(
  args: string[],
  stall: () => FaultHandle,
  applied: () => boolean,
): Promise<void> {
  const run = startCli(args, { env: f.env });
  let fault: FaultHandle | undefined;
  try {
    fault = stall();
    await f.server.waitFor(applied);
  } finally {
    run.child.kill("SIGKILL");
    await run.done;
    fault?.remove();
  }
}

const resultsOf = (lines: Json[]) =>
  lines.filter((l) => l.key !== undefined && l.status !== "started");

/** Each key of `keys` has exactly one result in the file, and it succeeded. */
function assertOneSuccessEach(file: string, keys: string[]): void {
  const results = resultsOf(readLines(file));
  for (const key of keys) {
    const mine = results.filter((l) => l.key === key);
    assert.is(mine.length, 1, `${key}: one result (${JSON.stringify(mine)})`);
    assert.is(mine[0].status, "succeeded", key);
  }
}

const common = (file: string) => ["--concurrency", "2", "--results-file", file, "--yes"];

test("kill -9 mid-deactivate, and mid-activate: --resume finishes exactly", async () => {
  for (
    const [command, from, to] of [["deactivate", "active", "inactive"], [
      "activate",
      "inactive",
      "active",
    ]] as const
  ) {
    const tokens = [1, 2, 3, 4, 5, 6].map((n) =>
      f.server.store.createToken(f.instanceA, { name: `${command}-k-${n}`, status: from })
    );
    const state = () => tokens.map((t) => f.server.store.getToken(f.instanceA, t.id)!.status);
    const file = join(f.dir, `${command}-killed.ndjson`);
    const args = [
      ...f.base(),
      command,
      "--instance",
      f.instanceA,
      "--filter",
      `${command}-k-*`,
      ...common(file),
    ];
    await killWhen(
      args,
      () => f.server.faults.add({ action: "patch", stallAfterHeadersMs: 30_000, times: 1 }),
      () => state().some((s) => s === to),
    );
    assert.ok(state().some((s) => s === from), `${command}: not all done before the kill`);
    const resumed = await cli([...args, "--resume", "--json"], { env: f.env });
    assert.is(resumed.code, 0, resumed.stderr);
    assert.ok(state().every((s) => s === to), `${command}: all done`);
    assertOneSuccessEach(file, tokens.map((t) => `${f.instanceA}/${t.id}`.toLowerCase()));
  }
});

test("kill -9 with a delete in flight (by selection and by ids): --resume finishes exactly, from the journal", async () => {
  for (const byIds of [false, true]) {
    const victims = [1, 2, 3, 4].map((n) =>
      f.server.store.createToken(f.instanceB, { name: `killme-${byIds}-${n}`, status: "active" })
    );
    const left = () => victims.filter((t) => f.server.store.getToken(f.instanceB, t.id)).length;
    const file = join(f.dir, `killed-${byIds}.ndjson`);
    const selection = byIds ? victims.map((t) => t.id) : ["--filter", `killme-${byIds}-*`];
    const args = [
      ...f.base(),
      "delete",
      ...selection,
      "--instance",
      f.instanceB,
      "--concurrency",
      "1",
      "--results-file",
      file,
      "--yes",
    ];
    // The first delete is applied, then its response hangs: the process dies right there.
    await killWhen(
      args,
      () => f.server.faults.add({ action: "delete", stallAfterHeadersMs: 30_000, times: 1 }),
      () => left() < 4,
    );
    assert.is(left(), 3, "one delete was applied before the kill");
    const journal = readLines(file).filter((l) => l.key !== undefined);
    assert.equal(journal.map((l: Json) => l.status), ["started"], "no result, only the journal");

    const resumed = await cli([...args, "--resume", "--json"], { env: f.env });
    assert.is(resumed.code, 0, resumed.stderr);
    const report: Json = JSON.parse(resumed.stdout);
    assert.is(report.failed, 0, JSON.stringify(report.failures));
    assert.is(left(), 0);
    const first = resultsOf(readLines(file)).filter((l: Json) => l.key === journal[0].key);
    assert.equal(first.map((l: Json) => [l.status, l.outcome]), [["succeeded", "alreadyDeleted"]]);
    assertOneSuccessEach(file, victims.map((t) => `${f.instanceB}/${t.id}`.toLowerCase()));
  }
});

test("kill -9 mid-rename: --resume repeats the journaled patch for a token that left the selection", async () => {
  const victims = [1, 2, 3].map((n) =>
    f.server.store.createToken(f.instanceB, { name: `mv-${n}` })
  );
  const names = () => victims.map((t) => f.server.store.getToken(f.instanceB, t.id)!.name);
  const file = join(f.dir, "rename-killed.ndjson");
  const args = [
    ...f.base(),
    "rename",
    "--instance",
    f.instanceB,
    "--from",
    "mv-*",
    "--to",
    "moved-*",
    "--concurrency",
    "1",
    "--results-file",
    file,
    "--yes",
  ];
  await killWhen(
    args,
    () => f.server.faults.add({ action: "patch", stallAfterHeadersMs: 30_000, times: 1 }),
    () => names().some((n) => n.startsWith("moved-")),
  );
  const journal = readLines(file).filter((l) => l.key !== undefined);
  assert.equal(journal.map((l: Json) => l.status), ["started"]);
  assert.match(journal[0].apiToken.name, /^moved-\d$/);

  const resumed = await cli([...args, "--resume", "--json"], { env: f.env });
  assert.is(resumed.code, 0, resumed.stderr);
  assert.equal(names().sort(), ["moved-1", "moved-2", "moved-3"]);
  assertOneSuccessEach(file, victims.map((t) => `${f.instanceB}/${t.id}`.toLowerCase()));
});

test("kill -9 mid overlapping rename (--from 'ov-*' --to 'ov-old-*'): resume never renames twice", async () => {
  const count = 24;
  const tokens = Array.from(
    { length: count },
    (_, n) => f.server.store.createToken(f.instanceA, { name: `ov-${n}` }),
  );
  const names = () => tokens.map((t) => f.server.store.getToken(f.instanceA, t.id)!.name);
  const renamed = () => names().filter((n) => n.startsWith("ov-old-")).length;
  const file = join(f.dir, "overlap-killed.ndjson");
  const args = [
    ...f.base(),
    "rename",
    "--instance",
    f.instanceA,
    "--from",
    "ov-*",
    "--to",
    "ov-old-*",
    "--concurrency",
    "4",
    "--results-file",
    file,
    "--yes",
  ];
  // Some renames finish (slowed, so that a fast runtime cannot finish them all before the
  // test looks), then the next ones are applied with their responses hanging: the kill lands
  // with applied renames that the results file only journaled.
  let stall: FaultHandle | undefined;
  let atStall = 0;
  const slow = f.server.faults.add({ action: "patch", latencyMs: 100, times: Infinity });
  await killWhen(
    args,
    () => ({ remove: () => (slow.remove(), stall?.remove()) }) as FaultHandle,
    () => {
      if (stall === undefined && renamed() >= 6) {
        slow.remove();
        atStall = renamed();
        stall = f.server.faults.add({
          action: "patch",
          stallAfterHeadersMs: 30_000,
          times: Infinity,
        });
      }
      return stall !== undefined && renamed() > atStall;
    },
  );
  assert.ok(renamed() < count, "killed before the end");
  const lines = readLines(file).filter((l) => l.key !== undefined);
  const started = new Set(lines.filter((l) => l.status === "started").map((l) => l.key));
  const finished = new Set(resultsOf(lines).map((l) => l.key));
  assert.ok([...started].some((k) => !finished.has(k)), "some renames were in flight at the kill");

  const resumed = await cli([...args, "--resume", "--json"], { env: f.env });
  assert.is(resumed.code, 0, resumed.stderr);
  assert.equal(
    names().sort(),
    tokens.map((_, n) => `ov-old-${n}`).sort(),
    "each renamed exactly once",
  );
  assertOneSuccessEach(file, tokens.map((t) => `${f.instanceA}/${t.id}`.toLowerCase()));
  // And resuming once more finds nothing left to do: not a third rename.
  const again = await cli([...args, "--resume", "--json"], { env: f.env });
  assert.is(again.code, 0, again.stderr);
  assert.is(JSON.parse(again.stdout).total, 0);
  assert.equal(names().sort(), tokens.map((_, n) => `ov-old-${n}`).sort());
});

test.run();
