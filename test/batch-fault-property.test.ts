/**
 * Issue 12's second property: for any generated sequence of faults over a batch (resets
 * before and after the change, 429 and 503 with every Retry-After form and Losant's
 * message-only "Retry in N seconds", 5xx, 401/403, stalls after the headers, an abort at a
 * generated moment), every item gets exactly one result, `total` equals the input length,
 * nothing reported done is unapplied on the server and nothing reported not done is applied,
 * no token is changed twice, no request starts after a stop, nothing is left on the fake clock
 * or open on the server, and a resumed run finishes exactly the rest. The scenario and its
 * rules: test/support/batch-fault-scenario.ts and batch-fault-rules.ts.
 *
 * The property runs on Node only: FC_RUNS scenarios (default 120) in a child process
 * (test/support/batch-fault-property.ts) that must then exit on its own, so no timer or socket
 * is left behind by any run. Deno and Bun run a 3-scenario sample (FC_SAMPLE) of the same
 * property in-process, with the same seed. Everything waits on one fake clock (server and client), so a
 * scenario costs real time only for its sockets. The seed is printed on failure; FC_SEED=<n>
 * replays it, FC_VERBOSE=1 prints a line per scenario.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import process from "node:process";
import { runFaultProperty } from "./support/batch-fault-scenario.ts";
import { currentRuntime, startScript } from "./support/spawn-cli.ts";

const SEED = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31));
const RUNS = Number(process.env.FC_RUNS ?? 120);
/** Deno and Bun: scenarios run in-process (FC_SAMPLE=<n> for more). */
const SAMPLE = Number(process.env.FC_SAMPLE ?? 3);
/** Once the property has held, the child must exit on its own within this (a guard, not a speed claim). */
const EXIT_GUARD_MS = 15_000;

if (currentRuntime() === "node") {
  test(`batch fault property: ${RUNS} scenarios hold, then the process exits on its own (seed ${SEED})`, async () => {
    const child = startScript("test/support/batch-fault-property.ts", [], {
      env: { FC_SEED: String(SEED), FC_RUNS: String(RUNS) },
      timeoutMs: 110_000,
    });
    const output = () =>
      `seed ${SEED} (replay: FC_SEED=${SEED})\n${child.stderr()}${child.stdout()}`;
    const held = child.waitForStderr(/fault property (held|FAILED)/, 100_000).then(
      () => true,
      () => false,
    );
    assert.ok(await held, `the property did not finish\n${output()}`);
    assert.match(child.stderr(), /fault property held/, output());
    let guard: ReturnType<typeof setTimeout> | undefined;
    const exited = await Promise.race([
      child.done.then(() => true),
      new Promise<false>((resolve) => (guard = setTimeout(() => resolve(false), EXIT_GUARD_MS))),
    ]);
    clearTimeout(guard);
    if (!exited) child.child.kill("SIGKILL");
    assert.ok(
      exited,
      `the process did not exit on its own: something was left behind\n${output()}`,
    );
    const finished = await child.done;
    assert.is(finished.code, 0, output());
  });
} else {
  test(`batch fault property: a ${SAMPLE}-scenario sample holds on ${currentRuntime()} (seed ${SEED})`, async () => {
    let held = 0;
    try {
      held = await runFaultProperty(SAMPLE, SEED);
    } catch (error) {
      throw new Error(`seed ${SEED} (replay: FC_SEED=${SEED}): ${error}`);
    }
    assert.is(held, SAMPLE, "every scenario of the sample was checked");
  });
}

test.run();
