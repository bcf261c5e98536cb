/**
 * What `npm install` costs a user, in one run: the package is built and packed, then each
 * app is a fresh folder with its own empty npm cache, installed from the .tgz (dependencies
 * from the registry), and measured as `du` sees node_modules (disk usage, the figure the
 * issue quotes; apparent bytes beside it) and as a package count (every folder of
 * node_modules holding a package.json with a name, nested ones included).
 *
 *   core     npm install losant-tokens.tgz
 *   events   npm install losant-tokens.tgz rxjs
 *   testing  npm install losant-tokens.tgz hono @hono/node-server
 *   cli      npx --package losant-tokens.tgz losant-tokens --help (what npx installs)
 *   official npm install losant-rest
 *
 * Run: node --import tsx scripts/install-weight.ts [--markdown]   (needs the npm registry)
 */
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

interface Weight {
  app: string;
  command: string;
  diskBytes: number;
  apparentBytes: number;
  packages: number;
}

function sh(command: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  const child = spawnSync(command, args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, npm_config_update_notifier: "false", ...env },
  });
  if (child.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} failed in ${cwd}:\n${child.stderr}`);
  }
  return child.stdout;
}

function du(dir: string, apparent: boolean): number {
  const args = apparent ? ["-s", "--apparent-size", "-B1", dir] : ["-s", "-B1", dir];
  return Number(sh("du", args, ROOT).split(/\s/)[0]);
}

/** Folders under node_modules that are packages (a package.json with a name). */
function countPackages(modules: string): number {
  let count = 0;
  const visit = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name === ".bin" || entry.name.startsWith(".")) continue;
      const path = join(dir, entry.name);
      if (entry.name.startsWith("@")) {
        visit(path);
        continue;
      }
      const manifest = join(path, "package.json");
      if (existsSync(manifest) && JSON.parse(readFileSync(manifest, "utf8")).name) count += 1;
      visit(join(path, "node_modules"));
    }
  };
  visit(modules);
  return count;
}

function measure(app: string, command: string, modules: string): Weight {
  return {
    app,
    command,
    diskBytes: du(modules, false),
    apparentBytes: du(modules, true),
    packages: countPackages(modules),
  };
}

function freshApp(base: string, name: string): { dir: string; cache: string } {
  const dir = join(base, name);
  const cache = join(base, `${name}-cache`);
  mkdirSync(dir);
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: `app-${name}`, private: true }));
  return { dir, cache };
}

function install(base: string, name: string, specs: string[], shown: string): Weight {
  const { dir, cache } = freshApp(base, name);
  sh("npm", ["install", "--no-audit", "--no-fund", ...specs], dir, { npm_config_cache: cache });
  return measure(name, shown, join(dir, "node_modules"));
}

function main(): void {
  const markdown = process.argv.includes("--markdown");
  const base = mkdtempSync(join(tmpdir(), "losant-tokens-weight-"));
  try {
    sh("npm", ["run", "--silent", "build"], ROOT);
    sh("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", base], ROOT);
    const tgz = join(base, readdirSync(base).find((f) => f.endsWith(".tgz"))!);
    const rows: Weight[] = [
      install(base, "core", [tgz], "npm install losant-tokens"),
      install(base, "events", [tgz, "rxjs@7"], "npm install losant-tokens rxjs"),
      install(
        base,
        "testing",
        [tgz, "hono@4", "@hono/node-server@2"],
        "npm install losant-tokens hono @hono/node-server",
      ),
    ];
    // npx installs into <cache>/_npx/<hash>/node_modules; a fresh cache holds only that.
    const { dir, cache } = freshApp(base, "cli");
    sh("npx", ["--yes", "--package", tgz, "losant-tokens", "--help"], dir, {
      npm_config_cache: cache,
    });
    const npx = join(cache, "_npx");
    const [hash] = readdirSync(npx);
    rows.push(
      measure("cli", "npx losant-tokens --help", join(npx, hash!, "node_modules")),
      install(base, "official", ["losant-rest"], "npm install losant-rest"),
    );
    const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
    if (markdown) {
      console.log("| app | command | on disk | apparent | packages |");
      console.log("| --- | --- | --- | --- | --- |");
      for (const r of rows) {
        console.log(
          `| ${r.app} | \`${r.command}\` | ${mb(r.diskBytes)} MB | ${
            mb(r.apparentBytes)
          } MB | ${r.packages} |`,
        );
      }
    } else {
      for (const r of rows) {
        console.log(
          `${r.app.padEnd(9)} ${mb(r.diskBytes).padStart(6)} MB on disk ` +
            `${mb(r.apparentBytes).padStart(6)} MB apparent ${String(r.packages).padStart(3)} ` +
            `packages  ${r.command}`,
        );
      }
    }
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

main();
