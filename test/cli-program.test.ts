// The program as a whole: help, usage errors, where the access token and the URL come from,
// --embedded, and the same CLI under Deno and Bun. Commands run in-process (runCli) except
// the runtime check, which must start each runtime.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve, sep } from "node:path";
import { cli } from "./support/cli-io.ts";
import { type CliFixture, type Json, startCliFixture } from "./support/cli-fixture.ts";
import { ROOT, startProgram } from "./support/spawn-cli.ts";

let f: CliFixture;
test.before(async () => void (f = await startCliFixture()));
test.after(() => f.close());

const COMMANDS = [[], ["get"], ["patch"], ["list"], ["deactivate"], ["activate"], ["delete"], [
  "rename",
]];

test("--help on every command prints examples and exits 0", async () => {
  for (const command of COMMANDS) {
    const r = await cli([...command, "--help"]);
    assert.is(r.code, 0, `${command.join(" ")} --help: ${r.stderr}`);
    assert.match(r.stdout, /Examples:/, `${command} help has examples`);
  }
});

test("every subcommand's help lists the inherited global flags", async () => {
  for (const command of COMMANDS.slice(1)) {
    const r = await cli([...command, "--help"]);
    assert.match(r.stdout, /Global Options:/, `${command} help`);
    for (const flag of ["--url", "--token-file", "--embedded", "--verbose"]) {
      assert.ok(r.stdout.includes(flag), `${command} help lists ${flag}`);
    }
  }
});

test("the program's help lists every exit code", async () => {
  const r = await cli(["--help"]);
  for (const code of [0, 1, 2, 3, 130, 141, 143]) {
    assert.match(r.stdout, new RegExp(`\\b${code} `), `exit code ${code}`);
  }
});

test("usage errors exit 2: unknown option, bad id, missing token, bad choice, no selection", async () => {
  const { env, instanceA } = f;
  const unknown = await cli([...f.base(), "list", "--nope"], { env });
  assert.is(unknown.code, 2);
  assert.match(unknown.stderr, /unknown option/);
  const badId = await cli([...f.base(), "get", "xyz", "--instance", instanceA], { env });
  assert.is(badId.code, 2);
  assert.match(badId.stderr, /not a 24 hex digit id/);
  const noToken = await cli([...f.base(), "list", "--instance", instanceA]);
  assert.is(noToken.code, 2);
  assert.match(noToken.stderr, /LOSANT_API_TOKEN/);
  const choice = await cli([...f.base(), "list", "--instance", instanceA, "--status", "maybe"], {
    env,
  });
  assert.is(choice.code, 2);
  const noSelection = await cli([...f.base(), "deactivate", "--instance", instanceA, "--yes"], {
    env,
  });
  assert.is(noSelection.code, 2);
  assert.match(noSelection.stderr, /needs a selection/);
});

test("--json with --ndjson is a usage error on every command that has both, and nothing is sent", async () => {
  const before = f.server.requests.length;
  for (
    const args of [
      ["list", "--instance", f.instanceA],
      ["deactivate", "--instance", f.instanceA, "--filter", "ci-*", "--yes"],
      ["delete", "--instance", f.instanceA, "--filter", "ci-*", "--yes"],
      ["rename", "--instance", f.instanceA, "--from", "ci-*", "--to", "x-*", "--yes"],
    ]
  ) {
    const r = await cli([...f.base(), ...args, "--json", "--ndjson"], { env: f.env });
    assert.is(r.code, 2, `${args[0]}: ${r.stderr}`);
    assert.match(r.stderr, /cannot be used with/);
    assert.is(r.stdout, "");
  }
  assert.is(f.server.requests.length, before, "no request was sent");
});

test("--token-file works; --token works and warns about shell history", async () => {
  const file = join(f.dir, "token");
  writeFileSync(file, `${f.accessToken}\n`);
  const args = ["list", "--instance", f.instanceA, "--json"];
  const fromFile = await cli([...f.base(), "--token-file", file, ...args]);
  assert.is(fromFile.code, 0, fromFile.stderr);
  assert.is(JSON.parse(fromFile.stdout).length, f.server.store.listTokens(f.instanceA).length);
  const inline = await cli([...f.base(), "--token", f.accessToken, ...args]);
  assert.is(inline.code, 0);
  assert.match(inline.stderr, /shell history/);
});

test("--token-file - reads the access token from stdin; a prompt then reads the terminal, or needs --yes", async () => {
  const list = await cli([...f.base(), "--token-file", "-", "list", "--instance", f.instanceA], {
    input: `${f.accessToken}\n`,
  });
  assert.is(list.code, 0, list.stderr);
  assert.ok(!list.stdout.includes(f.accessToken) && !list.stderr.includes(f.accessToken));
  const empty = await cli([...f.base(), "--token-file", "-", "list", "--instance", f.instanceA], {
    input: "",
  });
  assert.is(empty.code, 2);
  assert.match(empty.stderr, /stdin is empty/);
  const before = f.server.requests.length;
  const bulk = await cli(
    [...f.base(), "--token-file", "-", "deactivate", "--instance", f.instanceA, "--filter", "ci-*"],
    { input: `${f.accessToken}\n`, interactive: true },
  );
  assert.is(bulk.code, 2, bulk.stderr);
  assert.match(bulk.stderr, /no terminal/);
  assert.match(bulk.stderr, /--yes/);
  const declined = await cli(
    [...f.base(), "--token-file", "-", "deactivate", "--instance", f.instanceA, "--filter", "ci-*"],
    { input: `${f.accessToken}\n`, terminal: "n\n" },
  );
  assert.is(declined.code, 3, declined.stderr);
  assert.match(declined.stderr, /\[y\/N\]/);
  const patches = f.server.requests.slice(before).filter((r) => r.method === "PATCH");
  assert.is(patches.length, 0, "nothing changed");
  const yes = await cli(
    [
      ...f.base(),
      "--token-file",
      "-",
      "activate",
      "--instance",
      f.instanceA,
      "--filter",
      "nomatch-*",
    ],
    { input: `${f.accessToken}\n`, terminal: "y\n" },
  );
  assert.is(yes.code, 0, yes.stderr);
});

test("LOSANT_API_URL sets the API URL; --url wins over it", async () => {
  const env = { ...f.env, LOSANT_API_URL: f.server.url };
  const fromEnv = await cli(["list", "--instance", f.instanceA, "--json"], { env });
  assert.is(fromEnv.code, 0, fromEnv.stderr);
  assert.is(JSON.parse(fromEnv.stdout).length, f.server.store.listTokens(f.instanceA).length);
  const wrong = { ...f.env, LOSANT_API_URL: "http://127.0.0.1:1" };
  const flag = await cli([...f.base(), "list", "--instance", f.instanceA, "--json"], {
    env: wrong,
  });
  assert.is(flag.code, 0, flag.stderr);
});

test("--embedded runs with no account; --embedded with --url is a usage error", async () => {
  const r = await cli(["--embedded", "list", "--filter", "ci-*", "--json"]);
  assert.is(r.code, 0, r.stderr);
  const tokens: Json[] = JSON.parse(r.stdout);
  assert.ok(tokens.length > 0);
  assert.is(new Set(tokens.map((t) => t.instanceId)).size, 3);
  // The ids in `get --help` are the embedded seed's: the example must keep working.
  const example = await cli([
    "--embedded",
    "get",
    "0eb7c31d72589228fac0f8ba",
    "--instance",
    "02ff152c0fdc7f12fa169e5e",
  ]);
  assert.is(example.code, 0, example.stderr);
  const both = await cli(["--embedded", "--url", "http://127.0.0.1:1", "list"]);
  assert.is(both.code, 2);
});

test("the same CLI runs as a program under Node, Deno and Bun", async () => {
  const bin = (name: string) => join(ROOT, "node_modules", ".bin", name);
  const runs = [
    ["node", ["--import", "tsx", "src/cli/main.ts"]],
    [bin("deno"), ["run", "-A", "src/cli/main.ts"]],
    [bin("bun"), ["src/cli/main.ts"]],
  ] as const;
  for (const [command, prefix] of runs) {
    const args = [...prefix, ...f.base(), "list", "--instance", f.instanceA, "--json"];
    const r = await startProgram(command, args, { env: f.env }).done;
    assert.is(r.code, 0, `${command}: ${r.stderr}`);
    const listed: Json[] = JSON.parse(r.stdout);
    assert.is(listed.length, f.server.store.listTokens(f.instanceA).length, command);
  }
});

test("the CLI imports the library only through its public entries", () => {
  const cliDir = join(ROOT, "src", "cli");
  const entries = new Set(
    ["mod.ts", "src/audit/mod.ts", "src/batch/mod.ts", "src/events/mod.ts", "src/testing/mod.ts"]
      .map((e) => join(ROOT, e)),
  );
  const files = readdirSync(cliDir, { recursive: true })
    .map(String)
    .filter((p) => p.endsWith(".ts"));
  assert.ok(files.length > 10);
  for (const file of files) {
    const path = join(cliDir, file);
    const text = readFileSync(path, "utf8");
    for (const [, spec] of text.matchAll(/from "(\.[^"]+)"/g)) {
      const target = resolve(dirname(path), spec);
      if (target.startsWith(cliDir + sep)) continue;
      assert.ok(entries.has(target), `${file} imports ${spec}, not a public entry`);
    }
  }
});

test.run();
