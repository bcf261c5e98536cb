/**
 * JSR's own checks (`deno publish --dry-run`: slow types included, without
 * --allow-slow-types; offline), and what they do not check: that each `#name` subpath import
 * comes out rewritten to a published file (scripts/jsr-unfurl-parse.ts). deno logs each
 * rewrite at debug level; a failed publish is run again without the log, to show its error.
 *
 * Run: node --import tsx scripts/check-jsr.ts (a static step of npm test; dirty is allowed:
 * npm test runs before the commit)
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { judgeUnfurls, parseUnfurls, subpathImportsOf } from "./jsr-unfurl-parse.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DENO = join(ROOT, "node_modules", ".bin", "deno");

/** The TypeScript files under `dir`, as root-relative paths. */
function sourcesUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return sourcesUnder(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

const PUBLISH = ["publish", "--dry-run", "--allow-dirty"];
const run = spawnSync(DENO, [...PUBLISH, "-L", "debug"], {
  cwd: ROOT,
  encoding: "utf8",
  maxBuffer: 64 * 1024 * 1024,
});
if (run.status !== 0) {
  // The debug log buries the error: a second, quiet run shows only what failed.
  spawnSync(DENO, [...PUBLISH, "--quiet"], { cwd: ROOT, stdio: "inherit" });
  console.log(`deno publish --dry-run exited ${run.status ?? run.signal}`);
  process.exit(1);
}
const output = `${run.stdout}${run.stderr}`;
// What deno.json's `publish.include` takes of the TypeScript.
const files = ["mod.ts", ...sourcesUnder("src")];
const imports = files.flatMap((file) =>
  subpathImportsOf(file, readFileSync(join(ROOT, file), "utf8"))
);
const problems = judgeUnfurls(imports, parseUnfurls(output, ROOT), new Set(files));
for (const problem of problems) console.log(problem);
if (problems.length > 0) process.exit(1);
console.log(`deno publish --dry-run: ok; ${imports.length} subpath import(s) rewritten for JSR`);
