import process from "node:process";
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";

/** The signals the CLI stops on gracefully. */
export type StopSignal = "SIGINT" | "SIGTERM";

/**
 * Everything the CLI touches of its process, injected so that a command runs in-process in a
 * test (`runCli(argv, io)`), as gh's commands take an IOStreams. Results go to stdout so they
 * can be piped; everything meant for the person (prompts, progress, warnings) goes to stderr.
 */
export interface Io {
  /** Writes to stdout; once its reader has gone (`| head -1`) the text is dropped. */
  out(text: string): void;
  err(text: string): void;
  /** The whole of stdin, for `--token-file -`. */
  readStdin(): Promise<string>;
  /** One line of stdin for a prompt; undefined at end of input. */
  readLine(): Promise<string | undefined>;
  /**
   * One line read from the controlling terminal (`/dev/tty`), for a prompt when stdin is
   * taken (`--token-file -`); undefined when there is no terminal.
   */
  readTerminalLine(): Promise<string | undefined>;
  /** Whether a person is there to answer a prompt (stdin and stderr are terminals). */
  readonly interactive: boolean;
  /** Whether stderr can show a live progress bar. */
  readonly stderrIsTty: boolean;
  /** Whether stdout is a terminal (rotate asks before printing secrets there). */
  readonly stdoutIsTty?: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Calls `handler` on every SIGINT and SIGTERM; returns the function that stops that. */
  onSignal(handler: (signal: StopSignal) => void): () => void;
  /** Calls `handler` once stdout's reader has gone; returns the function that stops that. */
  onStdoutClosed(handler: () => void): () => void;
  readonly stdoutClosed: boolean;
  /** Ends the process at once (a second Ctrl-C). */
  exit(code: number): void;
}

/** A broken pipe, as each runtime names it. */
function isClosedPipe(error: unknown): boolean {
  const e = error as { code?: string; name?: string } | undefined;
  return e?.code === "EPIPE" || e?.code === "ERR_STREAM_DESTROYED" || e?.name === "BrokenPipe" ||
    e?.code === "ERR_STREAM_WRITE_AFTER_END";
}

/**
 * The process's streams. `LOSANT_TOKENS_INTERACTIVE=1` forces prompts on (tests answer them
 * through a pipe), `=0` forces them off. A closed stdout is an event, never an uncaught
 * EPIPE: the command stops as on Ctrl-C (see stops.ts).
 *
 * @example
 * const io = processIo();
 * io.err("3 tokens will be deactivated\n");
 */
export function processIo(): Io {
  const forced = process.env.LOSANT_TOKENS_INTERACTIVE;
  const ttys = process.stdin.isTTY === true && process.stderr.isTTY === true;
  let closed = false;
  const closedHandlers = new Set<() => void>();
  const markClosed = (): void => {
    if (closed) return;
    closed = true;
    for (const handler of [...closedHandlers]) handler();
  };
  process.stdout.on("error", (error: unknown) => {
    if (isClosedPipe(error)) markClosed();
  });
  // Nothing useful can be said about a stderr that has gone.
  process.stderr.on("error", () => {});
  let lines: AsyncIterator<string> | undefined;
  return {
    out(text) {
      if (closed) return;
      try {
        process.stdout.write(text);
      } catch (error) {
        // Deno and Bun may throw where Node emits "error".
        if (!isClosedPipe(error)) throw error;
        markClosed();
      }
    },
    err(text) {
      try {
        process.stderr.write(text);
      } catch {
        // As above: a closed stderr loses the text, never the job.
      }
    },
    async readStdin() {
      let text = "";
      for await (const chunk of process.stdin) text += String(chunk);
      return text;
    },
    async readLine() {
      lines ??= createInterface({ input: process.stdin, terminal: false })[
        Symbol.asyncIterator
      ]();
      const next = await lines.next();
      return next.done ? undefined : next.value;
    },
    async readTerminalLine() {
      if (process.stderr.isTTY !== true) return undefined;
      let input: ReturnType<typeof createReadStream>;
      try {
        input = createReadStream("/dev/tty");
        await new Promise((resolve, reject) => input.once("open", resolve).once("error", reject));
      } catch {
        return undefined;
      }
      const rl = createInterface({ input, terminal: false });
      try {
        const next = await rl[Symbol.asyncIterator]().next();
        return next.done ? undefined : next.value;
      } finally {
        rl.close();
        input.destroy();
      }
    },
    interactive: forced === "1" ? true : forced === "0" ? false : ttys,
    stderrIsTty: process.stderr.isTTY === true,
    stdoutIsTty: process.stdout.isTTY === true,
    env: process.env,
    onSignal(handler) {
      const onInt = () => handler("SIGINT");
      const onTerm = () => handler("SIGTERM");
      process.on("SIGINT", onInt);
      process.on("SIGTERM", onTerm);
      return () => {
        process.off("SIGINT", onInt);
        process.off("SIGTERM", onTerm);
      };
    },
    onStdoutClosed(handler) {
      closedHandlers.add(handler);
      return () => void closedHandlers.delete(handler);
    },
    get stdoutClosed() {
      return closed;
    },
    exit: (code) => process.exit(code),
  };
}
