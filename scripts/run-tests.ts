/**
 * The whole `npm test` pipeline: static checks, then every `test/*.test.ts` file on Node 20,
 * 22 and 24, Deno and Bun, each file in its own process group with a time limit.
 *
 * Usage: node --import tsx scripts/run-tests.ts [options] [filter ...]
 *
 *   filter            run only test files whose path contains one of these substrings
 *   --no-static       skip build, publint + attw, tsc, deno check, deno lint, deno doc --lint,
 *                     deno publish --dry-run and deno fmt (dist/ must exist)
 *   --static-only     run only the static steps
 *   --help            print this text
 *
 * Environment:
 *   TEST_RUNTIMES     comma list of runtimes, default "node20,node22,node24,deno,bun";
 *                     "node" is the Node running this script (scripts/runtimes.ts)
 *   TEST_TIMEOUT      seconds one test file may run, default 120; a file over 90 s is
 *                     listed as over budget (not a failure)
 *   TEST_CONCURRENCY  test files of one runtime run at the same time, default 2
 *   TEST_SKIP_STATIC  "1" acts like --no-static
 *   TEST_VERBOSE      "1" prints every file's full output, not only failures' tails
 *
 * The last line printed is `N passed, N failed`: N counts uvu tests as each file's summary
 * reports them, summed over runtimes. A failed static step, a hang, a crash, a non-zero exit,
 * a missing uvu summary or a file that registers no test each add one failure. The exit code
 * is 0 only when nothing failed and at least one test passed.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { ensureRuntimes, parseRuntimes, type RuntimeChoice, runtimeCommand } from "./runtimes.ts";
import { entries as publishedEntries } from "./entries.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const BIN = join(ROOT, "node_modules", ".bin");
const TAIL_LINES = 60;
const MAX_OUTPUT_CHARS = 4 * 1024 * 1024;
const STATIC_TIMEOUT_MS = 15 * 60 * 1000;
const KILL_GRACE_MS = 2000;
/** What one test file should take at most on this 2-core machine; over it is reported. */
const BUDGET_SECONDS = 90;

type Runtime = RuntimeChoice;

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  spawnError?: Error;
  output: string;
  seconds: number;
}

interface FileResult {
  runtime: Runtime;
  file: string;
  passed: number;
  failed: number;
  problem?: string;
  outcome: Outcome;
}

function usage(): string {
  return [
    "Usage: node --import tsx scripts/run-tests.ts [--no-static|--static-only] [filter ...]",
    "Env: TEST_RUNTIMES=node20,node22,node24,deno,bun TEST_TIMEOUT=120 TEST_CONCURRENCY=2",
    "     TEST_SKIP_STATIC=1 TEST_VERBOSE=1",
  ].join("\n");
}

function positiveNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`${name} must be a positive number, got ${JSON.stringify(raw)}`);
  }
  return value;
}

// Children get their own process group (detached) so that a hang, or a server a test forgot
// to close, is ended whole: the group is killed on timeout and again after the leader exits.
const liveGroups = new Set<number>();

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

function run(
  command: string,
  args: readonly string[],
  timeoutMs: number,
  env: Record<string, string | undefined> = {},
): Promise<Outcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    let output = "";
    let timedOut = false;
    let spawnError: Error | undefined;
    let exitCode: number | null = null;
    let exitSignal: NodeJS.Signals | null = null;
    let child: ChildProcess;
    try {
      child = spawn(command, args, {
        cwd: ROOT,
        detached: true,
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1", ...env },
      });
    } catch (error) {
      resolve({
        code: null,
        signal: null,
        timedOut: false,
        spawnError: error as Error,
        output: String(error),
        seconds: 0,
      });
      return;
    }
    const pid = child.pid;
    if (pid !== undefined) liveGroups.add(pid);
    const append = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      if (output.length > MAX_OUTPUT_CHARS) output = output.slice(-MAX_OUTPUT_CHARS / 2);
    };
    child.stdout?.on("data", append);
    child.stderr?.on("data", append);
    let killTimer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(pid, "SIGTERM");
      killTimer = setTimeout(() => killGroup(pid, "SIGKILL"), KILL_GRACE_MS);
    }, timeoutMs);
    child.on("error", (error) => {
      spawnError = error;
    });
    child.on("exit", (code, signal) => {
      exitCode = code;
      exitSignal = signal;
      // Leftover children keep the pipes open; ending the group lets "close" arrive.
      killGroup(pid, "SIGKILL");
    });
    child.on("close", () => {
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      if (pid !== undefined) liveGroups.delete(pid);
      if (spawnError) output += `\n[runner] could not start ${command}: ${spawnError.message}\n`;
      resolve({
        code: exitCode,
        signal: exitSignal,
        timedOut,
        spawnError,
        output,
        seconds: (performance.now() - started) / 1000,
      });
    });
  });
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    for (const pid of liveGroups) killGroup(pid, "SIGKILL");
    process.exit(130);
  });
}

// deno-lint-ignore no-control-regex
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

function tail(text: string, lines = TAIL_LINES): string {
  const all = text.replace(ANSI, "").replace(/\s+$/, "").split("\n");
  const shown = all.slice(-lines);
  const prefix = all.length > lines ? `    ... (${all.length - lines} earlier lines)\n` : "";
  return prefix + shown.map((line) => `    | ${line}`).join("\n");
}

function describeExit(o: Outcome): string {
  if (o.spawnError) return `could not start: ${o.spawnError.message}`;
  if (o.timedOut) return `timed out after ${o.seconds.toFixed(1)} s (process group killed)`;
  if (o.signal) return `killed by ${o.signal}`;
  return `exit code ${o.code}`;
}

const fmtSeconds = (s: number) => `${s.toFixed(1)}s`;

// ---- static steps -------------------------------------------------------------------------

interface StaticStep {
  name: string;
  command: string;
  args: string[];
  /** What to print on failure; the output's tail when absent. */
  report?: (output: string) => string;
}

/** deno fmt --check prints a diff per file; the list of files is what a reader needs. */
function unformattedFiles(output: string): string {
  const files = [...output.replace(ANSI, "").matchAll(/^from (.+):$/gm)].map((m) => m[1]);
  const last = output.replace(ANSI, "").match(/^error: .*$/m)?.[0] ?? "";
  return [...files.map((f) => `    | not formatted: ${f}`), `    | ${last}`].join("\n") +
    "\n    | (run `npm run fmt` to fix)";
}

/** Every published entry (deno.json `exports`, the same as package.json's), then the bins. */
function entryPoints(): string[] {
  return [...publishedEntries(), "src/testing/cli.ts", "src/cli/main.ts"]
    .filter((file) => existsSync(join(ROOT, file)));
}

function testFiles(): string[] {
  const dir = join(ROOT, "test");
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith(".test.ts"))
    .sort()
    .map((name) => `test/${name}`);
}

function staticSteps(): StaticStep[] {
  const deno = join(BIN, "deno");
  return [
    { name: "build", command: "npm", args: ["run", "--silent", "build"] },
    {
      name: "publint + attw",
      command: process.execPath,
      args: ["--import", "tsx", "scripts/check-package.ts"],
    },
    { name: "tsc --noEmit", command: join(BIN, "tsc"), args: ["--noEmit", "-p", "tsconfig.json"] },
    {
      name: "deno check",
      command: deno,
      args: ["check", "--quiet", ...entryPoints(), ...testFiles()],
    },
    { name: "deno lint", command: deno, args: ["lint"] },
    {
      name: "deno doc --lint",
      command: process.execPath,
      args: ["--import", "tsx", "scripts/doc-lint.ts"],
    },
    {
      // JSR's own checks, and each `#name` import rewritten to a published file.
      name: "deno publish --dry",
      command: process.execPath,
      args: ["--import", "tsx", "scripts/check-jsr.ts"],
    },
    {
      name: "deno fmt --check",
      command: deno,
      args: ["fmt", "--check"],
      report: unformattedFiles,
    },
  ];
}

// ---- test files ---------------------------------------------------------------------------

const SUMMARY = /Total:\s+(\d+)\s*\n\s*Passed:\s+(\d+)\s*\n\s*Skipped:\s+(\d+)/g;

function judge(runtime: Runtime, file: string, outcome: Outcome): FileResult {
  const clean = outcome.output.replace(ANSI, "");
  const matches = [...clean.matchAll(SUMMARY)];
  const last = matches.at(-1);
  let passed = 0;
  let failed = 0;
  const problems: string[] = [];
  if (last) {
    const total = Number(last[1]);
    passed = Number(last[2]);
    failed = Math.max(0, total - passed);
    if (total === 0 && Number(last[3]) === 0) problems.push("registered no test");
  } else {
    problems.push("no uvu summary in output");
  }
  const exitedBadly = outcome.timedOut || outcome.spawnError !== undefined ||
    outcome.signal !== null || outcome.code !== 0;
  if (exitedBadly) problems.push(describeExit(outcome));
  if (outcome.timedOut && last) {
    problems.push("after its summary: a server, socket or timer left open?");
  }
  // One extra failure for a file-level problem, unless uvu already counted failed tests and
  // the only problem is the non-zero exit code that those failures cause.
  const onlyExitCode = !outcome.timedOut && outcome.signal === null && !outcome.spawnError &&
    outcome.code !== 0 && last !== undefined && problems.length === 1;
  if (problems.length > 0 && !(onlyExitCode && failed > 0)) failed += 1;
  return {
    runtime,
    file,
    passed,
    failed,
    problem: problems.length ? problems.join("; ") : undefined,
    outcome,
  };
}

async function pool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>) {
  const results: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  });
  await Promise.all(workers);
  return results;
}

// ---- main ---------------------------------------------------------------------------------

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.includes("--help") || args.includes("-h")) {
    console.log(usage());
    return 0;
  }
  const noStatic = args.includes("--no-static") || process.env.TEST_SKIP_STATIC === "1";
  const staticOnly = args.includes("--static-only");
  const filters = args.filter((a) => !a.startsWith("--"));
  const runtimes = parseRuntimes(process.env.TEST_RUNTIMES);
  const timeoutMs = positiveNumber("TEST_TIMEOUT", 120) * 1000;
  const concurrency = Math.floor(positiveNumber("TEST_CONCURRENCY", 2));
  const verbose = process.env.TEST_VERBOSE === "1";
  const started = performance.now();

  let passed = 0;
  let failed = 0;
  const failures: string[] = [];
  const slow: string[] = [];

  if (!noStatic) {
    console.log("== static checks");
    for (const step of staticSteps()) {
      // No Rust backtrace under deno's "found unformatted files" and the like: it is noise.
      const outcome = await run(step.command, step.args, STATIC_TIMEOUT_MS, {
        RUST_BACKTRACE: "0",
      });
      const ok = outcome.code === 0 && !outcome.timedOut && !outcome.spawnError;
      console.log(
        `  ${ok ? "ok  " : "FAIL"} ${step.name.padEnd(18)} ${fmtSeconds(outcome.seconds)}`,
      );
      if (!ok) {
        failed += 1;
        failures.push(`static: ${step.name} (${describeExit(outcome)})`);
        console.log(step.report ? step.report(outcome.output) : tail(outcome.output));
      } else if (verbose && outcome.output.trim()) {
        console.log(tail(outcome.output, Infinity));
      }
    }
  }

  if (!staticOnly) {
    const files = testFiles().filter((f) => !filters.length || filters.some((p) => f.includes(p)));
    console.log(
      `== tests: ${files.length} file(s) x ${runtimes.join(",")}; ` +
        `${concurrency} at a time, ${timeoutMs / 1000} s limit each`,
    );
    if (files.length === 0) {
      failed += 1;
      failures.push("no test file matched");
    }
    ensureRuntimes(runtimes);
    for (const runtime of runtimes) {
      const runtimeStarted = performance.now();
      const { command, args: runtimeArgs, env } = runtimeCommand(runtime);
      const results = await pool(files, concurrency, async (file) => {
        const outcome = await run(command, [...runtimeArgs, file], timeoutMs, env);
        const result = judge(runtime, file, outcome);
        const ok = result.failed === 0;
        console.log(
          `  ${ok ? "ok  " : "FAIL"} ${runtime.padEnd(6)} ${file.padEnd(36)} ` +
            `${result.passed} passed, ${result.failed} failed  ` +
            fmtSeconds(result.outcome.seconds) + (result.problem ? `  (${result.problem})` : "") +
            (result.outcome.seconds > BUDGET_SECONDS
              ? `  (over the ${BUDGET_SECONDS} s budget)`
              : ""),
        );
        if (!ok || verbose) console.log(tail(result.outcome.output, ok ? Infinity : TAIL_LINES));
        return result;
      });
      let runtimePassed = 0;
      let runtimeFailed = 0;
      for (const r of results) {
        runtimePassed += r.passed;
        runtimeFailed += r.failed;
        if (r.outcome.seconds > BUDGET_SECONDS) {
          slow.push(`${r.runtime} ${r.file}: ${fmtSeconds(r.outcome.seconds)}`);
        }
        if (r.failed > 0) {
          failures.push(
            `${r.runtime} ${r.file}: ${r.failed} failed${r.problem ? ` (${r.problem})` : ""}`,
          );
        }
      }
      passed += runtimePassed;
      failed += runtimeFailed;
      console.log(
        `  -- ${runtime}: ${runtimePassed} passed, ${runtimeFailed} failed in ` +
          fmtSeconds((performance.now() - runtimeStarted) / 1000),
      );
    }
  }

  console.log(`== done in ${fmtSeconds((performance.now() - started) / 1000)}`);
  if (slow.length) {
    console.log(`over the ${BUDGET_SECONDS} s budget per file (split them):`);
    for (const line of slow) console.log(`  - ${line}`);
  }
  if (failures.length) {
    console.log("failures:");
    for (const f of failures) console.log(`  - ${f}`);
  }
  console.log(`${passed} passed, ${failed} failed`);
  const ok = failed === 0 && failures.length === 0 && (staticOnly ? true : passed > 0);
  return ok ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(error);
    console.log("0 passed, 1 failed");
    process.exitCode = 1;
  },
);
