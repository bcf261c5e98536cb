/**
 * What the benchmarks share: the bench server in its own process, child processes that
 * print one JSON line, and the statistics every table uses (median and spread).
 */
import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import process from "node:process";
import type { Target } from "./call-worker.ts";

/** The repository root, where every child process runs. */
export const ROOT: string = fileURLToPath(new URL("..", import.meta.url));

/**
 * Builds dist/ (scripts/build.ts): the workers load the package as Node and Bun users do,
 * from its npm build, so a bench never measures a stale build or the tsx-compiled sources.
 */
export function buildPackage(): void {
  const build = spawnSync(process.execPath, ["--import", "tsx", "scripts/build.ts"], {
    cwd: ROOT,
    stdio: ["ignore", "ignore", "inherit"],
  });
  if (build.status !== 0) throw new Error("npm run build failed");
}

/** A running bench server: where to send calls, and how to stop it. */
export interface BenchServer {
  target: Target;
  close(): Promise<void>;
}

/**
 * Starts bench/server.ts in a separate process, so the server's CPU time never counts as
 * the client's, and reads its announcement line. Its stdin is a pipe: when this process
 * ends for any reason, the server sees the pipe close and exits too.
 */
export function startBenchServer(): Promise<BenchServer> {
  const child = spawn(process.execPath, ["--import", "tsx", "bench/server.ts"], {
    cwd: ROOT,
    stdio: ["pipe", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    const onData = (chunk: Buffer): void => {
      out += chunk.toString("utf8");
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (line === undefined || !out.includes("\n")) return;
      child.stdout!.off("data", onData);
      child.stdout!.resume();
      const target = JSON.parse(line) as Target;
      resolve({
        target,
        close: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once("exit", () => done());
            child.kill("SIGTERM");
          }),
      });
    };
    child.stdout!.on("data", onData);
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`bench server exited early (${code})`)));
  });
}

/** Runs `node <args>` and parses the last JSON line it prints. */
export function runJson<T>(args: readonly string[], env: Record<string, string> = {}): Promise<T> {
  return runJsonWith(process.execPath, args, env);
}

/** Runs `command <args>` (any runtime) and parses the last JSON line it prints. */
export async function runJsonWith<T>(
  command: string,
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<T> {
  return (await runWorker<T>(command, args, env)).result;
}

/**
 * Runs a worker process: its last JSON line, and the milliseconds from spawn to its first
 * JSON line (not to its exit: a runtime's shutdown is not the worker's time).
 */
export function runWorker<T>(
  command: string,
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<{ result: T; msToLine: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...env },
    });
    let out = "";
    let err = "";
    let msToLine: number | undefined;
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString("utf8");
      if (msToLine === undefined && /^\{.*\}$/m.test(out)) msToLine = performance.now() - started;
    });
    child.stderr.on("data", (c: Buffer) => (err += c.toString("utf8")));
    child.once("error", reject);
    child.once("close", (code) => {
      const line = out.trim().split("\n").filter((l) => l.startsWith("{")).at(-1);
      if (code !== 0 || line === undefined || msToLine === undefined) {
        reject(new Error(`${command} ${args.join(" ")} failed (${code}):\n${err.slice(-2000)}`));
      } else {
        resolve({ result: JSON.parse(line) as T, msToLine });
      }
    });
  });
}

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** "min–max" of a list, to `digits` decimals. */
export function spread(values: readonly number[], digits = 0): string {
  return `${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)}`;
}

/** A markdown table from a header row and rows of cells. */
export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

/** An integer from the environment, or the fallback. */
export function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === "" ? NaN : Number(raw);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}
