/**
 * The package as a registry would see it: publint over the package directory, then
 * @arethetypeswrong/cli over the tarball `npm pack` makes, under its esm-only profile (the
 * package is ESM only, so CommonJS resolution modes are not asked for: a CommonJS app
 * loads it with require() on Node 20.19+ / 22.12+, which test/published.test.ts proves).
 * dist/ must be built; nothing is rebuilt (npm pack --ignore-scripts).
 *
 * Run: node --import tsx scripts/check-package.ts (a static step of npm test)
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BIN = join(ROOT, "node_modules", ".bin");

function step(command: string, args: string[]): number {
  console.log(`$ ${[command.replace(`${BIN}/`, ""), ...args].join(" ")}`);
  const child = spawnSync(command, args, { cwd: ROOT, stdio: "inherit" });
  return child.status ?? 1;
}

const dir = mkdtempSync(join(tmpdir(), "losant-tokens-pack-"));
let failed = 0;
try {
  failed += step(join(BIN, "publint"), ["--strict"]) === 0 ? 0 : 1;
  if (step("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", dir]) !== 0) {
    failed += 1;
  } else {
    const tarball = join(dir, readdirSync(dir).find((name) => name.endsWith(".tgz"))!);
    failed += step(join(BIN, "attw"), [tarball, "--profile", "esm-only"]) === 0 ? 0 : 1;
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exit(failed === 0 ? 0 : 1);
