/**
 * The build: tsc writes the declaration files, esbuild the JavaScript. One ESM file per
 * entry point (code shared between entries goes into chunks, so a class such as
 * LosantApiError exists once and `instanceof` holds across entries), dependencies left as
 * imports. Loading ~50 small modules made `import "losant-tokens"` take ~35 ms longer on
 * Node 20 than loading the same code in one file.
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
const entries = [...Object.values(denoJson.exports as Record<string, string>), "./src/cli/main.ts"];

rmSync(DIST, { recursive: true, force: true });

const tsc = spawnSync(
  process.execPath,
  [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"],
  { cwd: ROOT, stdio: "inherit" },
);
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

await build({
  absWorkingDir: ROOT,
  entryPoints: entries,
  outdir: DIST,
  outbase: ".",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "neutral",
  target: "es2022",
  packages: "external",
  chunkNames: "chunks/[name]-[hash]",
  logLevel: "warning",
});
