/**
 * The published shape: package.json and deno.json agree, dist/ (built by `npm test` before the
 * suites run) exposes by package name exactly what the sources export, and the tarball holds
 * only dist/ plus the usual top-level files.
 *
 * The manifest checks run on every runtime. Importing dist/ needs Node's self-reference of a
 * package by its own name, so that part always runs in a `node` child process; the source side
 * is imported by the runtime under test. `npm pack` runs once, on node20 (TEST_RUNTIME, from
 * scripts/runtimes.ts): it checks files, not a runtime.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { VERSION } from "../src/version.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const RUNTIME = "Deno" in globalThis ? "deno" : "Bun" in globalThis ? "bun" : "node";

interface ExportTarget {
  types: string;
  default: string;
}
interface PackageJson {
  name: string;
  version: string;
  license: string;
  main: string;
  types: string;
  exports: Record<string, ExportTarget>;
  /** Internal names chosen by export condition, e.g. `#default-fetch`. */
  imports: Record<string, Record<string, string>>;
  bin: Record<string, string>;
  engines: Record<string, string>;
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
  devDependencies: Record<string, string>;
}
interface DenoJson {
  name: string;
  version: string;
  license: string;
  exports: Record<string, string>;
  imports: Record<string, string>;
}

const readJson = <T>(file: string): T => JSON.parse(readFileSync(join(ROOT, file), "utf8")) as T;
const pkg = readJson<PackageJson>("package.json");
const denoJson = readJson<DenoJson>("deno.json");

/** `./src/events/mod.ts` -> `./dist/src/events/mod` (tsc keeps the tree under rootDir `.`). */
const distStem = (source: string) => `./dist/${source.replace(/^\.\//, "").replace(/\.ts$/, "")}`;

test("deno.json and package.json declare the same entry points, version and license", () => {
  assert.equal(Object.keys(denoJson.exports).sort(), Object.keys(pkg.exports).sort());
  assert.ok(Object.keys(pkg.exports).includes("."));
  for (const [subpath, source] of Object.entries(denoJson.exports)) {
    assert.equal(
      pkg.exports[subpath],
      { types: `${distStem(source)}.d.ts`, default: `${distStem(source)}.js` },
      `package.json exports[${subpath}] should point at the build of ${source}`,
    );
    assert.ok(existsSync(join(ROOT, source)), `${source} should exist`);
  }
  assert.is(pkg.main, pkg.exports["."]!.default);
  assert.is(pkg.types, pkg.exports["."]!.types);
  assert.is(denoJson.version, pkg.version);
  assert.is(denoJson.license, pkg.license);
  // The User-Agent names this version.
  assert.is(VERSION, pkg.version);
});

test("deno.json imports use the same version ranges as package.json", () => {
  const ranges = { ...pkg.dependencies, ...pkg.devDependencies };
  // `#` names are the package's own files (the test below), not dependencies.
  const entries = Object.entries(denoJson.imports).filter(([name]) => !name.startsWith("#"));
  assert.ok(entries.length > 0);
  for (const [specifier, target] of entries) {
    const match = /^npm:\/?((?:@[^/@]+\/)?[^/@]+)@([^/]+)\/?$/.exec(target);
    assert.ok(match, `deno.json imports[${specifier}] = ${target} is not an npm: specifier`);
    const [, name, range] = match!;
    assert.is(specifier.replace(/\/$/, ""), name, `imports key ${specifier} names ${name}`);
    assert.is(range, ranges[name!], `range of ${name} in deno.json vs package.json`);
  }
});

test("#default-fetch is mapped alike for the sources, dist/ and Deno: node:http only on Node", () => {
  const sources = JSON.parse(
    readFileSync(join(ROOT, "src/fetch/default/package.json"), "utf8"),
  ) as { imports: Record<string, Record<string, string>> };
  const bySource = sources.imports["#default-fetch"]!;
  const byDist = pkg.imports["#default-fetch"]!;
  // Deno and Bun also resolve `node`, so they must come first: conditions are tried in the
  // order of the keys.
  const order = ["deno", "bun", "node", "default"];
  assert.equal(Object.keys(bySource), order, "src/fetch/default/package.json conditions");
  assert.equal(Object.keys(byDist), order, "package.json imports conditions");
  for (const condition of order) {
    const source = `./src/fetch/default/${bySource[condition]!.replace(/^\.\//, "")}`;
    assert.is(byDist[condition], `${distStem(source)}.js`, `${condition}: dist vs sources`);
    assert.ok(existsSync(join(ROOT, byDist[condition]!)), `${byDist[condition]} is built`);
  }
  assert.match(bySource.node!, /node\.ts$/);
  for (const condition of ["deno", "bun", "default"]) {
    assert.match(bySource[condition]!, /runtime\.ts$/, `${condition} gets the runtime's fetch`);
  }
  assert.is(denoJson.imports["#default-fetch"], "./src/fetch/default/runtime.ts", "deno.json");
});

test("dist/ exports by package name what the sources export", async () => {
  const subpaths = Object.keys(pkg.exports).sort();
  for (const subpath of subpaths) {
    const target = pkg.exports[subpath]!;
    for (const file of [target.default, target.types]) {
      assert.ok(existsSync(join(ROOT, file)), `${file} missing: was dist/ built?`);
    }
  }
  const script = `
    const out = {};
    for (const subpath of ${JSON.stringify(subpaths)}) {
      const specifier = subpath === "." ? ${JSON.stringify(pkg.name)}
        : ${JSON.stringify(pkg.name)} + subpath.slice(1);
      out[subpath] = Object.keys(await import(specifier)).sort();
    }
    console.log(JSON.stringify(out));
  `;
  const child = spawnSync("node", ["--input-type=module", "-e", script], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 60_000,
  });
  assert.is(child.status, 0, `node importing dist/ failed:\n${child.stderr}`);
  const fromDist = JSON.parse(child.stdout) as Record<string, string[]>;

  for (const subpath of subpaths) {
    const source = pathToFileURL(join(ROOT, denoJson.exports[subpath]!)).href;
    const fromSource = Object.keys(await import(source)).sort();
    assert.equal(fromDist[subpath], fromSource, `exports of ${subpath}: dist vs source`);
  }
  assert.ok(fromDist["."]!.length > 0, "the core entry point exports nothing");
  assert.ok(fromDist["./testing"]!.length > 0, "the testing entry point exports nothing");
});

test("the built entries share one core: a client from one works in another", () => {
  // Each entry is bundled; shared code must be in shared chunks, or the batch entry would
  // not recognise a client made by the core entry, nor its errors be LosantErrors.
  const script = `
    const { createClient, LosantError } = await import("losant-tokens");
    const { deleteTokens } = await import("losant-tokens/batch");
    const client = createClient({ accessToken: "t", url: "http://127.0.0.1:9" });
    const id = "a".repeat(24);
    const report = await deleteTokens(client, [{ instanceId: id, apiTokenId: id }], {
      dryRun: "validate",
    });
    const bad = await deleteTokens(client, [{ instanceId: "x", apiTokenId: id }]);
    console.log(JSON.stringify({ skipped: report.skipped, failedType: bad.failures[0].type }));
  `;
  const child = spawnSync("node", ["--input-type=module", "-e", script], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 60_000,
  });
  assert.is(child.status, 0, child.stderr);
  assert.equal(JSON.parse(child.stdout), { skipped: 1, failedType: "LosantValidationError" });
});

/**
 * What each published entry may import beyond the package's own dependencies: the optional
 * peer that only it needs. The README's "Install" table says the same.
 */
const PEERS_BY_ENTRY: Record<string, readonly string[]> = {
  ".": [],
  "./audit": [],
  "./batch": [],
  "./events": ["rxjs"],
  "./testing": ["hono", "@hono/node-server"],
  "./node-fetch": ["undici"],
  "./http-fetch": [],
};

/** The core app's whole install, beside losant-tokens itself. */
const CORE_INSTALL = ["is-network-error", "ky", "p-retry", "valibot"];

// esbuild's output: static imports and re-exports at the top of a line, lazy import("...").
const STATIC_IMPORT = /^(?:import|export)\s*(?:[\w$*\s{},]*?\s*from\s*)?"([^"]+)";$/gm;
const LAZY_IMPORT = /\bimport\("([^"]+)"\)/g;
const packageOf = (specifier: string) =>
  specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0]!;

/** Bare package names a built file imports (statically or lazily), following ./ chunks. */
function packagesImportedBy(file: string, seen = new Set<string>()): Set<string> {
  const found = new Set<string>();
  if (seen.has(file)) return found;
  seen.add(file);
  const text = readFileSync(file, "utf8");
  for (const [, specifier] of [...text.matchAll(STATIC_IMPORT), ...text.matchAll(LAZY_IMPORT)]) {
    if (specifier!.startsWith(".") || specifier!.startsWith("#")) {
      // A `#` name is one of the package's own files on each runtime: follow them all.
      const targets = specifier!.startsWith("#")
        ? Object.values(pkg.imports[specifier!]!).map((target) => join(ROOT, target))
        : [join(dirname(file), specifier!)];
      for (const target of targets) {
        for (const name of packagesImportedBy(target, seen)) found.add(name);
      }
    } else if (!specifier!.startsWith("node:")) found.add(packageOf(specifier!));
  }
  return found;
}

test("each entry imports only the dependencies and its own optional peers", () => {
  const dependencies = Object.keys(pkg.dependencies).sort();
  assert.equal(dependencies, ["ky", "p-retry", "valibot"], "the package's dependencies");
  const peers = Object.keys(pkg.peerDependencies).sort();
  assert.equal(peers, [...new Set(Object.values(PEERS_BY_ENTRY).flat())].sort());
  for (const peer of peers) {
    assert.ok(pkg.peerDependenciesMeta[peer]?.optional, `peer ${peer} should be optional`);
    assert.is(pkg.devDependencies[peer], pkg.peerDependencies[peer], `dev range of ${peer}`);
  }
  assert.equal(Object.keys(PEERS_BY_ENTRY).sort(), Object.keys(pkg.exports).sort());
  for (const [subpath, allowedPeers] of Object.entries(PEERS_BY_ENTRY)) {
    const imported = [...packagesImportedBy(join(ROOT, pkg.exports[subpath]!.default))];
    const stray = imported.filter((n) => !dependencies.includes(n) && !allowedPeers.includes(n));
    assert.equal(stray, [], `${subpath} imports packages outside its dependencies and peers`);
  }
  // The CLI bundles commander, pino, cli-progress and hono: `npx losant-tokens` needs nothing
  // but the dependencies.
  const cli = [...packagesImportedBy(join(ROOT, pkg.bin["losant-tokens"]!))];
  assert.equal(cli.filter((n) => !dependencies.includes(n)), [], "the CLI's imports");
});

test("a core app installs losant-tokens plus ky, p-retry, is-network-error and valibot only", () => {
  // The lockfile's view of the dependency tree, as npm resolves it for an app: dependencies
  // and non-optional peers, transitively. Optional peers (ours, valibot's typescript) are
  // never installed for the app.
  interface LockEntry {
    dependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
    peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  }
  const lock = readJson<{ packages: Record<string, LockEntry> }>("package-lock.json");
  const installed = new Set<string>();
  const visit = (name: string) => {
    if (installed.has(name)) return;
    installed.add(name);
    const entry = lock.packages[`node_modules/${name}`];
    assert.ok(entry, `${name} is not in package-lock.json`);
    const required = Object.keys(entry!.peerDependencies ?? {})
      .filter((peer) => !entry!.peerDependenciesMeta?.[peer]?.optional);
    for (const next of [...Object.keys(entry!.dependencies ?? {}), ...required]) visit(next);
  };
  for (const name of Object.keys(pkg.dependencies)) visit(name);
  assert.equal([...installed].sort(), CORE_INSTALL);
});

test("the engines floor is where require() of an ES module works", () => {
  // require(esm) is on by default from Node 20.19 and 22.12; below that it throws
  // ERR_REQUIRE_ESM. test/published.test.ts require()s the packed package on each Node.
  assert.is(pkg.engines.node, ">=20.19.0");
});

if (existsSync(join(ROOT, "src/cli/main.ts"))) {
  test("the bin is built with a node shebang", () => {
    const bin = pkg.bin["losant-tokens"]!;
    assert.is(bin, `${distStem("./src/cli/main.ts")}.js`);
    const text = readFileSync(join(ROOT, bin), "utf8");
    assert.ok(text.startsWith("#!/usr/bin/env node"), `${bin} lacks "#!/usr/bin/env node"`);
  });
}

if (RUNTIME === "node" && ["node", "node20", undefined].includes(process.env.TEST_RUNTIME)) {
  test("npm pack ships dist/ and the top-level docs only", () => {
    // --ignore-scripts: dist/ is already built; prepack would rebuild it under our feet.
    const child = spawnSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 60_000,
      env: { ...process.env, npm_config_loglevel: "error" },
    });
    assert.is(child.status, 0, `npm pack failed:\n${child.stderr}`);
    const [report] = JSON.parse(child.stdout) as Array<{ files: Array<{ path: string }> }>;
    const paths = report!.files.map((f) => f.path).sort();
    const allowed = new Set(["package.json", "README.md", "LICENSE"]);
    const stray = paths.filter((p) => !allowed.has(p) && !p.startsWith("dist/"));
    assert.equal(stray, [], "files outside dist/ in the tarball");
    const sources = paths.filter((p) => p.endsWith(".ts") && !p.endsWith(".d.ts"));
    assert.equal(sources, [], "TypeScript sources in the tarball");
    const tests = paths.filter((p) => /(^|\/)test\/|\.test\./.test(p));
    assert.equal(tests, [], "tests in the tarball");
    for (const required of ["package.json", "LICENSE", "dist/mod.js", "dist/mod.d.ts"]) {
      assert.ok(paths.includes(required), `${required} missing from the tarball`);
    }
  });
}

test.run();
