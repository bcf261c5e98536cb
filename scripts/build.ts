/**
 * The build: tsc writes the declaration files, esbuild the JavaScript. One ESM file per
 * library entry point (code shared between entries goes into chunks, so a class such as
 * LosantApiError exists once and `instanceof` holds across entries), dependencies left as
 * imports. Loading ~50 small modules made `import "losant-tokens"` take ~35 ms longer on
 * Node 20 than loading the same code in one file.
 *
 * The CLI is built apart, with what only it needs bundled in (commander, pino, cli-progress,
 * and hono for `--embedded`): those are devDependencies, so a library user never installs
 * them, and `npx losant-tokens` still runs with nothing but the package's own dependencies.
 *
 * Run: node --import tsx scripts/build.ts (npm run build)
 */
import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DIST = join(ROOT, "dist");

// Every entry of package.json's exports and bin, by its source (deno.json maps the same).
const denoJson = JSON.parse(readFileSync(join(ROOT, "deno.json"), "utf8"));
const entries = Object.values(denoJson.exports as Record<string, string>);
// The default fetch of each runtime (src/fetch/default/select.ts): built as files of their
// own and left as the import "#default-fetch", which the installed package.json's `imports`
// maps by export condition when the app runs (node:http only on Node).
const DEFAULT_FETCHES = ["./src/fetch/default/node.ts", "./src/fetch/default/runtime.ts"];
const chosenAtRunTime = ["#default-fetch"];
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
// The CLI imports these from the installed package's dependencies; everything else it uses
// is bundled into dist/src/cli/.
const installed = Object.keys(pkg.dependencies as Record<string, string>);

rmSync(DIST, { recursive: true, force: true });

const tsc = spawnSync(
  process.execPath,
  [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"],
  { cwd: ROOT, stdio: "inherit" },
);
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

await build({
  absWorkingDir: ROOT,
  entryPoints: [...entries, ...DEFAULT_FETCHES],
  outdir: DIST,
  outbase: ".",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "neutral",
  target: "es2022",
  packages: "external",
  external: chosenAtRunTime,
  chunkNames: "chunks/[name]-[hash]",
  logLevel: "warning",
});

await build({
  absWorkingDir: ROOT,
  entryPoints: ["./src/cli/main.ts"],
  outdir: DIST,
  outbase: ".",
  bundle: true,
  // The embedded server is imported lazily, only for --embedded: a chunk of its own.
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  external: [...installed, ...chosenAtRunTime],
  chunkNames: "src/cli/chunks/[name]-[hash]",
  // pino and cli-progress are CommonJS: their require() of node builtins needs a real one.
  banner: {
    js: 'import { createRequire as __cliCreateRequire } from "node:module";\n' +
      "const require = __cliCreateRequire(import.meta.url);",
  },
  legalComments: "none",
  logLevel: "warning",
});
