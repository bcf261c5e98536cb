import { type ChildProcess, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** What a finished process left behind. */
export interface Finished {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

/** Options for a spawned script. */
export interface SpawnOptions {
  env?: Record<string, string | undefined>;
  /** Written to stdin, which is then closed. */
  input?: string;
  timeoutMs?: number;
  /** The working directory. Default: the repository root. */
  cwd?: string;
}

/** A running process whose output is collected as it comes. */
export interface Running {
  readonly child: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Resolves once `pattern` shows up on stderr. */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<void>;
  readonly done: Promise<Finished>;
}

/**
 * Starts a TypeScript file with Node and tsx whatever runtime runs the test: the CLI's bin
 * is a Node program, and one way of starting it keeps every runtime's test identical.
 */
export function startScript(
  file: string,
  args: readonly string[],
  options: SpawnOptions = {},
): Running {
  return startProgram("node", ["--import", "tsx", file, ...args], options);
}

/** Starts any program (in the repository root unless `cwd` says otherwise), its output collected. */
export function startProgram(
  command: string,
  args: readonly string[],
  options: SpawnOptions = {},
): Running {
  // Undefined means "unset": not every runtime's spawn drops undefined values itself.
  const env: Record<string, string> = {};
  const merged = { ...process.env, NO_COLOR: "1", LOSANT_API_TOKEN: undefined, ...options.env };
  for (const [key, value] of Object.entries(merged)) if (value !== undefined) env[key] = value;
  const child = spawn(command, [...args], {
    cwd: options.cwd ?? ROOT,
    env,
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  child.stdout!.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
  child.stderr!.on("data", (c: Buffer) => {
    stderr += c.toString("utf8");
    for (const w of [...waiters]) {
      if (w.pattern.test(stderr)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  });
  if (options.input !== undefined) child.stdin!.end(options.input);
  else child.stdin!.end();
  const timeoutMs = options.timeoutMs ?? 30_000;
  const done = new Promise<Finished>((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    waitForStderr(pattern, ms = 20_000) {
      if (pattern.test(stderr)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no ${pattern} on stderr in ${ms} ms:\n${stderr}`)),
          ms,
        );
        waiters.push({
          pattern,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    },
    done,
  };
}

/** Runs a script to the end. */
export function runScript(
  file: string,
  args: readonly string[],
  options: SpawnOptions = {},
): Promise<Finished> {
  return startScript(file, args, options).done;
}

/** Runs the CLI (`src/cli/main.ts`) to the end. */
export function runCli(args: readonly string[], options: SpawnOptions = {}): Promise<Finished> {
  return runScript("src/cli/main.ts", args, options);
}

/** The runtimes the CLI runs on. */
export type CliRuntime = "node" | "deno" | "bun";

/** The runtime running this test file. */
export function currentRuntime(): CliRuntime {
  const g = globalThis as { Deno?: unknown; Bun?: unknown };
  return g.Deno !== undefined ? "deno" : g.Bun !== undefined ? "bun" : "node";
}

/** The command line that starts the CLI from source on `runtime`. */
export function cliCommand(runtime: CliRuntime): [string, string[]] {
  const bin = (name: string) => join(ROOT, "node_modules", ".bin", name);
  if (runtime === "deno") return [bin("deno"), ["run", "-A", "src/cli/main.ts"]];
  if (runtime === "bun") return [bin("bun"), ["src/cli/main.ts"]];
  return ["node", ["--import", "tsx", "src/cli/main.ts"]];
}

/** Starts the CLI on `runtime` (default: the one running the test). */
export function startCli(
  args: readonly string[],
  options: SpawnOptions = {},
  runtime: CliRuntime = currentRuntime(),
): Running {
  const [command, prefix] = cliCommand(runtime);
  return startProgram(command, [...prefix, ...args], options);
}

const SIGNAL_NUMBERS: Record<string, number> = { SIGINT: 2, SIGKILL: 9, SIGPIPE: 13, SIGTERM: 15 };

/**
 * The exit status as a shell reports it. Deno's child_process reports an exit status above
 * 128 as the signal it encodes, so 130 from a CLI that handled SIGINT reads as "SIGINT":
 * the status is the same number either way.
 */
export function exitStatus(finished: Finished): number | undefined {
  if (finished.code !== null) return finished.code;
  const n = finished.signal === null ? undefined : SIGNAL_NUMBERS[finished.signal];
  return n === undefined ? undefined : 128 + n;
}
