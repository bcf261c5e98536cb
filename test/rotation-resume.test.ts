/**
 * Crash safety of rotateTokens, in-process on every runtime: a run "killed" at any point
 * (from then on no journal line is written, no phase starts, the sink is gone, while calls
 * already on the wire finish on the server) and resumed from its journal ends where an
 * unkilled run would: one live successor per old token, whose secret is the one delivered,
 * no successor left whose secret nobody has, no old token retired before its successor's
 * secret was delivered. The kill point is chosen by fast-check (seeded, the seed printed).
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import process from "node:process";
import {
  type JournalEntry,
  memoryJournal,
  memorySink,
  rotateTokens,
  type RotationJournal,
  type RotationPoint,
  type SecretDelivery,
} from "../src/batch/mod.ts";
import { fixture } from "./batch-fixture.ts";
import { allTokens, DAY, seedRotatable } from "./support/rotation-fixture.ts";
import { createFakeClock } from "./support/fake-clock.ts";

class Killed extends Error {}

/** A journal and a sink that die with the process at `killAt` (the nth point reached). */
function mortal(entries: JournalEntry[], secrets: Map<string, SecretDelivery>, killAt: number) {
  let points = 0;
  let dead = false;
  const inner = memoryJournal(entries);
  const journal: RotationJournal = {
    read: () => inner.read(),
    append: (e) => dead ? Promise.reject(new Killed("dead")) : inner.append(e),
    lock: () => inner.lock(),
  };
  const sink = (d: SecretDelivery) => {
    if (dead) throw new Killed("dead");
    secrets.set(d.key, { ...d });
  };
  const onPhase = (_p: RotationPoint) => {
    if (dead || ++points === killAt) {
      dead = true;
      throw new Killed("killed");
    }
  };
  return { journal, sink, onPhase, killed: () => dead };
}

async function killAndResume(killAt: number, graceMs: number, seedFaults: boolean) {
  const { server, client } = await fixture(2, 1);
  try {
    const items = seedRotatable(server, server.instanceIds, 3);
    const before = allTokens(server);
    const entries: JournalEntry[] = [];
    const sink = memorySink();
    const calendar = createFakeClock();
    const options = { expiresIn: 30 * DAY, graceMs, deleteAfterMs: DAY, clock: calendar };
    if (seedFaults) server.faults.add({ action: "create", reset: "after", times: 2 });
    const first = mortal(entries, sink.secrets, killAt);
    const { journal, sink: dying, onPhase } = first;
    await rotateTokens(client, items, {
      ...options,
      journal,
      sink: dying,
      onPhase,
      concurrency: 2,
      preflight: false,
    });
    await server.idle();
    // Whatever the kill left: never an old token retired without its successor delivered.
    for (const item of items) {
      const key = `${item.instanceId}/${item.apiTokenId}`.toLowerCase();
      const old = server.store.getToken(item.instanceId, item.apiTokenId);
      if (old === undefined || old.status === "inactive") assert.ok(sink.secrets.has(key));
    }
    const resumed = await rotateTokens(client, items, {
      ...options,
      journal: memoryJournal(entries),
      sink,
      concurrency: 2,
    });
    assert.is(resumed.failed, 0, JSON.stringify(resumed.failures));
    await calendar.advance(graceMs + DAY + 1);
    const { finishRetirements } = await import("../src/batch/mod.ts");
    const finished = await finishRetirements(client, {
      journal: memoryJournal(entries),
      clock: calendar,
    });
    assert.is(finished.failed, 0);
    const tokens = allTokens(server);
    for (const item of items) {
      const old = before.get(item.apiTokenId)!;
      const named = [...tokens.values()].filter((t) => t.name === old.name);
      assert.is(named.length, 1, `one live successor for ${old.name} (kill at ${killAt})`);
      assert.is(named[0].status, "active");
      const key = `${item.instanceId}/${item.apiTokenId}`.toLowerCase();
      assert.is(server.store.findBySecret(sink.secrets.get(key)!.secret)?.token.id, named[0].id);
      assert.not.ok(tokens.has(item.apiTokenId), "old token deleted");
    }
    assert.is(tokens.size, before.size, "no orphan: each old token replaced by one successor");
    return first.killed();
  } finally {
    await server.close();
  }
}

test("killed at each kind of point, then resumed: the same end state", async () => {
  // With 6 rotations at concurrency 2, these reach every point kind of the first rotations.
  let killedSome = false;
  for (const killAt of [1, 2, 3, 4, 5, 8, 13, 21, 30, 40]) {
    killedSome = (await killAndResume(killAt, 0, false)) || killedSome;
  }
  assert.ok(killedSome);
});

test("property: a kill anywhere, with ambiguous creates and a grace period, resumes exactly", async () => {
  const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
  console.log(`fast-check seed ${seed} (FC_SEED=${seed} to replay)`);
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 60 }),
      fc.constantFrom(0, DAY),
      fc.boolean(),
      async (killAt, grace, faults) => {
        await killAndResume(killAt, grace, faults);
      },
    ),
    { seed, numRuns: 12 },
  );
});

test.run();
