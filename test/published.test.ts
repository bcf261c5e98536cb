/**
 * The package as an app gets it: the tarball `npm pack` makes, unpacked into a fresh app
 * whose node_modules holds nothing but the package's own dependencies (ky, p-retry,
 * is-network-error, valibot; linked from this repo's install, so no registry is needed).
 * Then, in a child of the runtime under test (`node` on PATH is the Node version under test):
 * the core calls the embedded server, a batch job runs and streams without rxjs, the events
 * entry fails with the runtime's own "cannot find package 'rxjs'", a CommonJS app require()s
 * the core, and the CLI runs with no commander, pino, cli-progress or hono installed.
 *
 * Deno imports the sources through deno.json, not this tarball, so only the default-fetch
 * test runs a Deno child too (a Deno app may still install the npm package).
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { startFakeLosant } from "../src/testing/mod.ts";
import { getTokenScript } from "./support/get-token-script.ts";
import { type Finished, startProgram } from "./support/spawn-cli.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const RUNTIME = "Deno" in globalThis ? "deno" : "Bun" in globalThis ? "bun" : "node";
const CORE_INSTALL = ["is-network-error", "ky", "p-retry", "valibot"];

let app = "";

test.before(() => {
  app = mkdtempSync(join(tmpdir(), "losant-tokens-app-"));
  const packed = spawnSync(
    "npm",
    ["pack", "--ignore-scripts", "--silent", "--pack-destination", app],
    { cwd: ROOT, encoding: "utf8", timeout: 60_000 },
  );
  assert.is(packed.status, 0, `npm pack failed:\n${packed.stderr}`);
  const tarball = readdirSync(app).find((name) => name.endsWith(".tgz"))!;
  const target = join(app, "node_modules", "losant-tokens");
  mkdirSync(target, { recursive: true });
  const untar = spawnSync("tar", ["xzf", join(app, tarball), "-C", target, "--strip-components=1"]);
  assert.is(untar.status, 0, `tar failed: ${untar.stderr}`);
  for (const name of CORE_INSTALL) {
    symlinkSync(join(ROOT, "node_modules", name), join(app, "node_modules", name), "dir");
  }
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", type: "module" }));
});

test.after(() => {
  if (app) rmSync(app, { recursive: true, force: true });
});

/**
 * Runs a script file in the app on the runtime under test (Node for Deno's run). Async: the
 * embedded server lives in this process, and a spawnSync would starve it.
 */
function runInApp(
  file: string,
  source: string,
  env: Record<string, string> = {},
): Promise<Finished> {
  writeFileSync(join(app, file), source);
  const command = RUNTIME === "bun" ? process.execPath : "node";
  return startProgram(command, [file], { cwd: app, env, timeoutMs: 60_000 }).done;
}

/**
 * Runs a script file in the app on the runtime under test itself, Deno included (runInApp
 * runs Node for Deno).
 */
function runOnRuntime(
  file: string,
  source: string,
  env: Record<string, string>,
): Promise<Finished> {
  writeFileSync(join(app, file), source);
  const [command, ...args] = RUNTIME === "deno"
    ? [process.execPath, "run", "-A", file]
    : [RUNTIME === "bun" ? process.execPath : "node", file];
  return startProgram(command!, args, { cwd: app, env, timeoutMs: 60_000 }).done;
}

test("the default fetch: node:http on Node (the global one under a proxy variable), the runtime's own on Deno and Bun", async () => {
  const server = await startFakeLosant({ seed: { instances: 1, tokensPerInstance: 1 } });
  try {
    const { token } = server.issueAccessToken(["all.Instance"]);
    const instanceId = server.instanceIds[0]!;
    const apiTokenId = server.store.listTokens(instanceId)[0]!.id;
    // The runtime's fetch is looked up on globalThis per call: the wrapper counts its calls.
    const source = getTokenScript({ from: "losant-tokens" });
    const noProxy = { HTTPS_PROXY: "", https_proxy: "", HTTP_PROXY: "", http_proxy: "" };
    const env = { T: token, U: server.url, P: JSON.stringify({ instanceId, apiTokenId }) };
    const plain = await runOnRuntime("default-fetch.mjs", source, { ...env, ...noProxy });
    assert.is(plain.code, 0, plain.stderr);
    assert.equal(JSON.parse(plain.stdout), { id: apiTokenId, through: RUNTIME === "node" ? 0 : 1 });
    if (RUNTIME === "node") {
      // Node's fetch (undici) sends sec-fetch-mode; node:http never does.
      const headers = server.requests.at(-1)!.headers;
      assert.is(headers["sec-fetch-mode"], undefined, "Node's default should be node:http");
      // A proxy variable keeps Node's own fetch, which reads none without NODE_USE_ENV_PROXY
      // and goes direct here.
      const proxied = await runOnRuntime("default-fetch.mjs", source, {
        ...env,
        ...noProxy,
        HTTPS_PROXY: "http://127.0.0.1:9",
      });
      assert.is(proxied.code, 0, proxied.stderr);
      assert.equal(JSON.parse(proxied.stdout), { id: apiTokenId, through: 1 });
    }
  } finally {
    await server.close();
  }
});

test("the core entry calls the server with only its dependencies installed", async () => {
  const server = await startFakeLosant({ seed: { instances: 1, tokensPerInstance: 2 } });
  try {
    const { token } = server.issueAccessToken(["all.Instance"]);
    const instanceId = server.instanceIds[0]!;
    const child = await runInApp(
      "core.mjs",
      `import { createClient, listTokens } from "losant-tokens";
       const client = createClient({ accessToken: process.env.T, url: process.env.U });
       const names = [];
       for await (const t of listTokens(client, { instanceId: process.env.I })) names.push(t.id);
       console.log(names.length);`,
      { T: token, U: server.url, I: instanceId },
    );
    assert.is(child.code, 0, child.stderr);
    // The seed made two tokens there (the access token may add its own).
    assert.ok(Number(child.stdout.trim()) >= 2, `listed ${child.stdout.trim()} tokens`);
  } finally {
    await server.close();
  }
});

test("the batch entry runs and streams results without rxjs installed", async () => {
  const child = await runInApp(
    "batch.mjs",
    `import { createClient } from "losant-tokens";
     import { deleteTokens } from "losant-tokens/batch";
     const client = createClient({ accessToken: "t", url: "http://127.0.0.1:9" });
     const id = "a".repeat(24);
     const job = deleteTokens(client, [{ instanceId: id, apiTokenId: id }], { dryRun: "validate" });
     const seen = [];
     job.results$.subscribe((r) => seen.push(r.status));
     const report = await job;
     console.log(JSON.stringify({ seen, skipped: report.skipped }));`,
  );
  assert.is(child.code, 0, child.stderr);
  assert.equal(JSON.parse(child.stdout), { seen: ["skipped"], skipped: 1 });
});

test("the events entry without rxjs fails with the runtime's own error naming rxjs", async () => {
  const child = await runInApp("events.mjs", `await import("losant-tokens/events");`);
  assert.is.not(child.code, 0, "importing the events entry should fail without rxjs");
  assert.match(child.stderr, /Cannot find (package|module) 'rxjs'/);
});

if (RUNTIME === "node") {
  test("a CommonJS app require()s the core", async () => {
    const child = await runInApp(
      "app.cjs",
      `const { createClient, VERSION } = require("losant-tokens");
       createClient({ accessToken: "t" });
       console.log(VERSION);`,
    );
    assert.is(child.code, 0, child.stderr);
    assert.match(child.stdout, /^\d+\.\d+\.\d+/);
  });

  test("the CLI runs --embedded with nothing but the dependencies installed", () => {
    const bin = join(app, "node_modules", "losant-tokens", "dist", "src", "cli", "main.js");
    const help = spawnSync("node", [bin, "--help"], { cwd: app, encoding: "utf8" });
    assert.is(help.status, 0, help.stderr);
    assert.match(help.stdout, /Usage: losant-tokens/);
    const list = spawnSync("node", [bin, "--embedded", "list", "--json"], {
      cwd: app,
      encoding: "utf8",
      timeout: 60_000,
    });
    assert.is(list.status, 0, list.stderr);
    assert.ok(JSON.parse(list.stdout).length > 0, "the embedded list is empty");
  });
}

test.run();
