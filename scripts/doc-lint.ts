/**
 * `deno doc --lint` over every entry deno.json `exports` lists (the public API as JSR sees
 * it): a missing doc comment or a public signature that names a type no entry exports fails.
 *
 * One kind of diagnostic is set aside: `private-type-ref` for a type declared in a
 * dependency (valibot's GenericSchema, rxjs' Observable, undici's Dispatcher). deno skips
 * those for `npm:` and `jsr:` modules (denoland/deno#27364, fixed in #34339), but with
 * `nodeModulesDir: "manual"` a dependency resolves to a `file:` path under node_modules, so
 * deno reports its public types as ours. A referenced type counts as a dependency's when no
 * file of ours (mod.ts, src/) declares that name; the set-aside count is printed, so a new
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

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DENO = join(ROOT, "node_modules", ".bin", "deno");

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** Every name a file of ours declares, exported or not. */
function ownNames(): Set<string> {
  const names = new Set<string>();
  const declaration =
    /\b(?:interface|type|class|enum|function|const|let|var|namespace)\s+([A-Za-z_$][\w$]*)/g;
  // `import { type Observable } from "rxjs"` names a type without declaring it.
  const reExport = /^(?:import|export)\b[^;]*?\bfrom\s*["'][^"']+["'];?/gms;
  for (const file of ["mod.ts", ...sourceFiles("src")]) {
    const text = readFileSync(join(ROOT, file), "utf8").replace(reExport, "");
    for (const match of text.matchAll(declaration)) {
      names.add(match[1]!);
    }
  }
  return names;
}

const run = spawnSync(DENO, ["doc", "--lint", ...entries()], {
  cwd: ROOT,
  encoding: "utf8",
  env: { ...process.env, NO_COLOR: "1", RUST_BACKTRACE: "0", DENO_NO_UPDATE_CHECK: "1" },
});
const output = `${run.stdout}\n${run.stderr}`;
// deno warns about @types/node's `/// <reference path>` lines it cannot follow under
// node_modules; they say nothing about our docs. Diagnostics start at `error[`.
const blocks = output.split(/\n(?=error\[)/).filter((block) => block.startsWith("error["))
  .map((block) => block.replace(/\n\s*error: Found \d+ documentation lint errors?\.[\s\S]*$/, ""));

const own = ownNames();
const setAside: string[] = [];
const problems = blocks.filter((block) => {
  const ref = block.match(/^error\[private-type-ref\]: .* references private type '([^']+)'/);
  if (ref && !own.has(ref[1]!)) {
    setAside.push(ref[1]!);
    return false;
  }
  return true;
});

const foundLine = output.match(/error: Found \d+ documentation lint errors?\./);
if (run.status !== 0 && blocks.length === 0 && !foundLine) {
  // deno itself failed (a parse error, a module it cannot resolve): show all of it.
  console.log(output.trim());
  process.exit(1);
}
for (const block of problems) console.log(block.trimEnd() + "\n");
const kinds = [...new Set(setAside)].sort().join(", ");
console.log(
  `deno doc --lint ${entries().length} entries: ${problems.length} problem(s)` +
    (setAside.length
      ? `; ${setAside.length} dependency type reference(s) set aside (${kinds})`
      : ""),
);
process.exit(problems.length === 0 ? 0 : 1);
