// Stopping a bulk job from outside: Ctrl-C (SIGINT), SIGTERM, and a reader that closes
// stdout early (`| head -1`). Each stops the job as Ctrl-C does: calls in flight settle,
// the results file and the report are complete, no stack trace, a documented exit code.
// The CLI runs as a subprocess on the runtime running this file, so `npm test` covers
// Node, Deno and Bun.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { join } from "node:path";
import { cli } from "./support/cli-io.ts";
import { type CliFixture, type Json, readLines, startCliFixture } from "./support/cli-fixture.ts";
import { currentRuntime, exitStatus, type Running, startCli } from "./support/spawn-cli.ts";

let f: CliFixture;
test.before(async () => void (f = await startCliFixture()));
test.after(() => f.close());

const runtime = currentRuntime();
const NO_STACK = /\n\s+at |Uncaught|panicked|EPIPE/;

/** `n` active tokens named `<prefix>-<i>` in instance A. */
function tokens(prefix: string, n: number) {
  return Array.from(
    { length: n },
    (_, i) => f.server.store.createToken(f.instanceA, { name: `${prefix}-${i}`, status: "active" }),
  );
}

/** Every item of the file has exactly one result, and no journal line is left without one. */
function assertComplete(file: string, keys: string[]): Json[] {
  const lines = readLines(file).filter((l: Json) => l.key !== undefined);
  const results = lines.filter((l: Json) => l.status !== "started");
  for (const key of keys) {
    assert.is(results.filter((l: Json) => l.key === key).length, 1, `${key}: one result`);
  }
  for (const started of lines.filter((l: Json) => l.status === "started")) {
    assert.ok(results.some((l: Json) => l.key === started.key), `${started.key} settled`);
  }
  return results;
}

/** Resolves once stdout has a first whole line, then closes the reading end, as `head -1`. */
async function closeAfterFirstLine(run: Running): Promise<string> {
  const stdout = run.child.stdout!;
  return await new Promise<string>((resolve) => {
    let seen = "";
    const onData = (chunk: Buffer) => {
      seen += chunk.toString("utf8");
      if (!seen.includes("\n")) return;
      stdout.off("data", onData);
      stdout.destroy();
      resolve(seen.slice(0, seen.indexOf("\n")));
    };
    stdout.on("data", onData);
  });
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  test(`${runtime}: ${signal} mid-job exits ${signal === "SIGINT" ? 130 : 143} with a complete results file; --resume finishes`, async () => {
    const prefix = `sig-${signal.toLowerCase()}`;
    const made = tokens(prefix, 8);
    const keys = made.map((t) => `${f.instanceA}/${t.id}`.toLowerCase());
    const active = () =>
      made.filter((t) => f.server.store.getToken(f.instanceA, t.id)?.status === "active").length;
    const file = join(f.dir, `${prefix}.ndjson`);
    const slow = f.server.faults.add({ action: "patch", latencyMs: 300, times: Infinity });
    const args = [
      ...f.base(),
      "deactivate",
      "--instance",
      f.instanceA,
      "--filter",
      `${prefix}-*`,
      "--concurrency",
      "1",
      "--results-file",
      file,
      "--yes",
      "--progress-interval",
      "50",
    ];
    const run = startCli(args, { env: f.env });
    await run.waitForStderr(/progress: [1-9]/);
    run.child.kill(signal);
    const first = await run.done;
    slow.remove();
    assert.is(exitStatus(first), signal === "SIGINT" ? 130 : 143, first.stderr);
    assert.match(first.stderr, new RegExp(`interrupted \\(${signal}\\)`));
    assert.match(first.stderr, /finish with --resume/);
    assert.match(first.stdout, /TOTAL/, "the summary was printed");
    const afterStop = first.stderr.slice(first.stderr.indexOf("interrupted ("));
    assert.not.match(afterStop, /progress:/, "no progress is drawn after the stop");
    assert.not.match(first.stderr, NO_STACK);
    const results = assertComplete(file, keys);
    const succeeded = results.filter((l: Json) => l.status === "succeeded").length;
    assert.ok(succeeded >= 1 && succeeded < 8, `some but not all done (${succeeded}/8)`);
    assert.is(active(), 8 - succeeded, "the file says what the server did");

    const resumed = await cli([...args, "--resume", "--json"], { env: f.env });
    assert.is(resumed.code, 0, resumed.stderr);
    assert.is(JSON.parse(resumed.stdout).failed, 0);
    assert.is(active(), 0);
  });
}

test(`${runtime}: a bulk --ndjson job piped into a reader that closes early stops gracefully (exit 141)`, async () => {
  const made = tokens("pipe", 10);
  const keys = made.map((t) => `${f.instanceA}/${t.id}`.toLowerCase());
  const inactive = () =>
    made.filter((t) => f.server.store.getToken(f.instanceA, t.id)?.status === "inactive").length;
  const file = join(f.dir, "pipe.ndjson");
  const slow = f.server.faults.add({ action: "patch", latencyMs: 150, times: Infinity });
  const run = startCli([
    ...f.base(),
    "deactivate",
    "--instance",
    f.instanceA,
    "--filter",
    "pipe-*",
    "--concurrency",
    "2",
    "--results-file",
    file,
    "--yes",
    "--ndjson",
  ], { env: f.env });
  const line = JSON.parse(await closeAfterFirstLine(run));
  assert.is(line.status, "succeeded");
  const done = await run.done;
  slow.remove();
  assert.is(exitStatus(done), 141, done.stderr);
  assert.not.match(done.stderr, NO_STACK);
  assert.match(
    done.stderr,
    /stopped: stdout was closed: \d+ token\(s\) not done; finish with --resume/,
  );
  const results = assertComplete(file, keys);
  const succeeded = results.filter((l: Json) => l.status === "succeeded").length;
  assert.ok(succeeded < 10, `stopped before the end (${succeeded}/10)`);
  assert.is(inactive(), succeeded, "every applied change is recorded");
});

test(`${runtime}: a long list piped into a reader that closes early ends quietly (exit 141)`, async () => {
  // More than a pipe's buffer (64 KiB) of JSON, so the reader's going away is felt.
  for (let i = 0; i < 400; i++) f.server.store.createToken(f.instanceB, { name: `long-${i}` });
  for (const format of ["--ndjson", "--json"]) {
    const slow = f.server.faults.add({ action: "list", latencyMs: 200, times: Infinity });
    const run = startCli(
      [...f.base(), "list", "--instance", f.instanceA, "--instance", f.instanceB, format],
      { env: f.env },
    );
    const first = await closeAfterFirstLine(run);
    assert.ok(first.length > 0);
    const done = await run.done;
    slow.remove();
    assert.is(exitStatus(done), 141, `${format}: ${done.stderr}`);
    assert.not.match(done.stderr, NO_STACK, format);
  }
});

test(`${runtime}: --help piped into a reader that closes early ends quietly`, async () => {
  const run = startCli(["deactivate", "--help"], {});
  await closeAfterFirstLine(run);
  const done = await run.done;
  assert.ok([0, 141].includes(exitStatus(done)!), `exit ${exitStatus(done)}: ${done.stderr}`);
  assert.not.match(done.stderr, NO_STACK);
});

test.run();
