/**
 * `deno doc --lint` over every entry deno.json `exports` lists (the public API as JSR sees
 * it): a missing doc comment or a public signature that names a type no entry exports fails.
 *
 * One kind of diagnostic is set aside: `private-type-ref` for a type declared in a
 * dependency (valibot's GenericSchema, rxjs' Observable, undici's Dispatcher). deno skips
 * those for `npm:` and `jsr:` modules (denoland/deno#27364, fixed in #34339), but with
 * `nodeModulesDir: "manual"` a dependency resolves to a `file:` path under node_modules, so
 * deno reports its public types as ours. A referenced type counts as a dependency's when no
 * file of ours (mod.ts, src/) declares that name; the set-aside names are printed, so a new
 * one is seen.
 *
 * Run: node --import tsx scripts/doc-lint.ts (a static step of npm test)
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { entries } from "./entries.ts";
import { declaredNames, judgeDocLint } from "./doc-lint-parse.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DENO = join(ROOT, "node_modules", ".bin", "deno");

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

const own = new Set<string>();
for (const file of ["mod.ts", ...sourceFiles("src")]) {
  for (const name of declaredNames(readFileSync(join(ROOT, file), "utf8"))) own.add(name);
}

const files = entries();
const run = spawnSync(DENO, ["doc", "--lint", ...files], {
  cwd: ROOT,
  encoding: "utf8",
  env: { ...process.env, NO_COLOR: "1", RUST_BACKTRACE: "0", DENO_NO_UPDATE_CHECK: "1" },
});
const output = `${run.stdout}\n${run.stderr}`;
const verdict = judgeDocLint(output, run.status, own);
if (verdict.failedToRun) {
  // deno itself failed (a parse error, a module it cannot resolve): show all of it.
  console.log(output.trim());
  process.exit(1);
}
for (const block of verdict.problems) console.log(`${block}\n`);
const names = [...new Set(verdict.setAside)].sort().join(", ");
console.log(
  `deno doc --lint ${files.length} entries: ${verdict.problems.length} problem(s)` +
    (verdict.setAside.length
      ? `; ${verdict.setAside.length} dependency type reference(s) set aside (${names})`
      : ""),
);
process.exit(verdict.problems.length === 0 ? 0 : 1);
