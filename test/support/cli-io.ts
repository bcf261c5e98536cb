import { runCli } from "../../src/cli/program.ts";
import type { Io, StopSignal } from "../../src/cli/io.ts";

/** What an in-process run left behind. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** How an in-process run is set up. */
export interface MemoryIoOptions {
  /** The whole environment the CLI sees (nothing of the test process's leaks in). */
  env?: Record<string, string | undefined>;
  /** stdin's text: the answers to prompts, or the access token for `--token-file -`. */
  input?: string;
  /** What the person types at the terminal (`/dev/tty`), when stdin is taken. */
  terminal?: string;
  /** Whether a person is at the terminal (prompts allowed). Default false. */
  interactive?: boolean;
  /** stdout's reader goes away once this many characters were written. */
  closeStdoutAfter?: number;
}

/** An Io in memory, with a handle to raise signals and close stdout as a test goes. */
export interface MemoryIo extends Io {
  readonly stdout: () => string;
  readonly stderr: () => string;
  raise(signal: StopSignal): void;
  closeStdout(): void;
  readonly exits: number[];
}

/**
 * An in-memory Io for `runCli(argv, io)`: what gh's `iostreams.Test()` is to its commands.
 *
 * @example
 * const io = memoryIo({ env: { LOSANT_API_TOKEN: token } });
 * const code = await runCli(["list", "--url", url, "--instance", id, "--json"], io);
 */
export function memoryIo(options: MemoryIoOptions = {}): MemoryIo {
  let stdout = "";
  let stderr = "";
  let closed = false;
  const signalHandlers = new Set<(s: StopSignal) => void>();
  const closedHandlers = new Set<() => void>();
  const lines = (options.input ?? "").split("\n");
  let stdinRead = false;
  const exits: number[] = [];
  const closeStdout = () => {
    if (closed) return;
    closed = true;
    for (const h of [...closedHandlers]) h();
  };
  return {
    out(text) {
      if (closed) return;
      stdout += text;
      if (options.closeStdoutAfter !== undefined && stdout.length >= options.closeStdoutAfter) {
        closeStdout();
      }
    },
    err: (text) => void (stderr += text),
    readStdin() {
      stdinRead = true;
      return Promise.resolve(options.input ?? "");
    },
    readLine() {
      if (stdinRead) return Promise.resolve(undefined);
      return Promise.resolve(lines.length > 0 ? lines.shift() : undefined);
    },
    readTerminalLine: () => Promise.resolve(options.terminal?.split("\n")[0]),
    interactive: options.interactive ?? false,
    stderrIsTty: false,
    env: options.env ?? {},
    onSignal(handler) {
      signalHandlers.add(handler);
      return () => void signalHandlers.delete(handler);
    },
    onStdoutClosed(handler) {
      closedHandlers.add(handler);
      return () => void closedHandlers.delete(handler);
    },
    get stdoutClosed() {
      return closed;
    },
    exit: (code) => void exits.push(code),
    stdout: () => stdout,
    stderr: () => stderr,
    raise(signal) {
      for (const h of [...signalHandlers]) h(signal);
    },
    closeStdout,
    exits,
  };
}

/**
 * Runs the CLI in this process and collects its output.
 *
 * @example
 * const r = await cli(["--url", server.url, "list", "--instance", id], { env });
 * assert.is(r.code, 0, r.stderr);
 */
export async function cli(
  argv: readonly string[],
  options: MemoryIoOptions | MemoryIo = {},
): Promise<CliRun> {
  const io = "raise" in options ? options : memoryIo(options);
  const code = await runCli(argv, io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

/** Runs the CLI in process against one server: `input` is stdin, `terminal` what a person types at /dev/tty. */
export type CliAgainst = (args: string[], input?: string, terminal?: string) => Promise<CliRun>;

/**
 * The CLI bound to one server's URL and environment, for suites that run many commands.
 *
 * @example
 * const run = cliAgainst(server.url, { LOSANT_API_TOKEN: token });
 * const r = await run(["audit", "--instance", id]);
 */
export function cliAgainst(url: string, env: Record<string, string>): CliAgainst {
  return (args, input, terminal) =>
    cli(["--url", url, ...args], {
      env,
      ...(input === undefined ? {} : { input }),
      ...(terminal === undefined ? {} : { terminal }),
    });
}
