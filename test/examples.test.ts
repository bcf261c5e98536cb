import { test } from "uvu";
import * as assert from "uvu/assert";
import { join } from "node:path";
import process from "node:process";
import { ROOT, startProgram } from "./support/spawn-cli.ts";

/**
 * Every example runs as a process against the embedded server (no LOSANT_* env), on Node
 * with tsx and, when this suite runs under Deno or Bun, under that runtime too.
 */

const runtime = "Deno" in globalThis ? "deno" : "Bun" in globalThis ? "bun" : "node";

function commandFor(which: "node" | "deno" | "bun", file: string): [string, string[]] {
  if (which === "node") return ["node", ["--import", "tsx", file]];
  if (which === "deno") return [process.execPath, ["run", "-A", file]];
  return [process.execPath, [file]];
}

const ENV = { LOSANT_API_TOKEN: undefined, LOSANT_INSTANCE_IDS: undefined, LOSANT_URL: undefined };

async function runExample(which: "node" | "deno" | "bun", file: string): Promise<string> {
  const [command, args] = commandFor(which, file);
  const r = await startProgram(command, args, { env: { ...ENV, NO_COLOR: "1" }, timeoutMs: 30_000 })
    .done;
  assert.is(r.code, 0, `${which} ${file} exited ${r.code ?? r.signal}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

test("an example refuses to change a real account's tokens without an explicit yes", async () => {
  const [command, args] = commandFor("node", "examples/get-patch-delete.ts");
  const env = {
    ...ENV,
    LOSANT_API_TOKEN: "a-real-looking-token",
    LOSANT_INSTANCE_IDS: "a".repeat(24),
    LOSANT_URL: "http://127.0.0.1:9", // nothing listens: a request sent would fail differently
    NO_COLOR: "1",
  };
  const r = await startProgram(command, args, { env, timeoutMs: 30_000 }).done;
  assert.is.not(r.code, 0);
  assert.match(r.stderr, /LOSANT_EXAMPLES_MAY_CHANGE_TOKENS=yes/);
  assert.not.match(r.stderr, /a-real-looking-token/);
});

const checks: Record<string, (out: string) => void> = {
  "examples/get-patch-delete.ts": (out) => {
    assert.match(out, /^got [a-f\d]{24} "/m);
    assert.match(out, /patched: status inactive/);
    assert.match(out, /deleted: success true/);
    assert.match(out, /second delete: 404 NotFound \(request [a-z\d]+-1\)/);
  },
  "examples/custom-middleware.ts": (out) => {
    assert.match(out, /x-correlation-id sent: example-[a-z\d]+-1, /);
    assert.match(out, /metric getToken ok: 3 call\(s\)/);
    assert.match(out, /metric getToken 404: 1 call\(s\)/);
  },
  "examples/reactive-subscription.ts": (out) => {
    assert.is((out.match(/^audit: .+ changed status$/gm) ?? []).length, 3);
    assert.match(out, /seen 5 more tokens/);
    assert.match(out, /deactivated 3 of \d+ active tokens/);
  },
  "examples/hooks.ts": (out) => {
    assert.match(out, /^log: getToken failed: LosantApiError$/m);
    assert.match(out, /^caller sees: LosantApiError 404 NotFound$/m);
    assert.match(out, /^recovering hook, server up: true$/m);
    assert.match(out, /^wrong shape: LosantResponseError$/m);
    assert.match(out, /^missing token: undefined$/m);
  },
  "examples/watch-expiring.ts": (out) => {
    assert.match(out, /^expiring: .+ in \d+ h$/m);
    assert.match(out, /^expired: /m);
    assert.match(out, /events: baseline 1, /);
  },
  "examples/bulk-deactivate-resume.ts": (out) => {
    const first = /run 1: (\d+) succeeded, (\d+) cancelled, stopped: Aborted/.exec(out);
    assert.ok(first, out);
    const second = /run 2: (\d+) succeeded, (\d+) skipped, 0 failed/.exec(out);
    assert.ok(second, out);
    assert.is(second![2], first![1], "run 2 skips exactly what run 1 did");
    assert.match(out, /active tokens left: 0/);
  },
  "examples/rotate-tokens.ts": (out) => {
    const rotated = /rotated: (\d+) of (\d+), 0 failed/.exec(out);
    assert.ok(rotated && rotated[1] === rotated[2] && Number(rotated[1]) > 0, out);
    assert.match(out, new RegExp(`secrets on file: ${rotated![1]}\n`));
    assert.match(out, new RegExp(`after the grace: ${rotated![1]} old tokens deactivated`));
    assert.match(out, new RegExp(`after the delete period: ${rotated![1]} old tokens deleted`));
  },
  "examples/audit.ts": (out) => {
    // criticalDays 5: the 3-day case is critical, in both instances.
    assert.is(out.match(/^critical: expiring-soon "audit-expiring-in-3-days"$/gm)?.length, 2);
    // warningDays 14: the 20-day case is no longer a finding.
    assert.not.match(out, /audit-expiring-in-20-days/);
    // maxAgeDays 120 is what the rule judged by.
    assert.match(
      out,
      /rotation-age +audit-older-than-90-days +[a-f\d]{24} +created 180 day\(s\) ago .*rotate every 120$/m,
    );
    // The waiver silenced the never-expiring case in both instances, and only that.
    assert.match(out, /^waived: no-expiry 2$/m);
    assert.not.match(out, /no-expiry +audit-never-expires/);
    assert.match(out, /^by rule: .*no-expiry \d+/m);
    // Switched off.
    assert.not.match(out, /no-description/);
    assert.match(out, /^\d+ finding\(s\) in \d+ token\(s\) of 2 instance\(s\): [1-9]\d* critical/m);
    assert.match(out, /^clean: false$/m);
  },
  "examples/demo.ts": (out) => {
    assert.match(out, /injected: /);
    assert.match(out, /token events: +fetched \d+, updated \d+, deleted \d+/);
    assert.match(out, /HTTP statuses: .*429 6.*503 14/);
    assert.match(out, /retries: +[1-9]\d*/);
    assert.match(out, /deactivate ci-\* +total (\d+), succeeded \1, failed 0/);
    assert.match(out, /delete expired +total (\d+), succeeded \1, failed 0/);
    assert.match(out, /all done in [\d.]+ s/);
  },
};

for (const [file, check] of Object.entries(checks)) {
  test(`${file} on node (tsx)`, async () => check(await runExample("node", file)));
  if (runtime !== "node") {
    test(`${file} on ${runtime}`, async () => check(await runExample(runtime, file)));
  }
}

test("examples/deno.ts under deno, with deno.json's imports", async () => {
  const deno = runtime === "deno" ? process.execPath : join(ROOT, "node_modules", ".bin", "deno");
  const r = await startProgram(deno, ["run", "-A", "examples/deno.ts"], {
    env: { ...ENV, NO_COLOR: "1" },
  }).done;
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /^deno [\d.]+: 8 tokens; first "/m);
  assert.match(r.stdout, /events: fetched, fetched, fetched/);
});

test.run();
