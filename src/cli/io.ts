import process from "node:process";

/**
 * Where the CLI writes. Results go to stdout so they can be piped; everything meant for
 * the person at the terminal (prompts, progress, warnings) goes to stderr.
 */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Whether a person is there to answer a prompt (stdin and stderr are terminals). */
  readonly interactive: boolean;
  /** Whether stderr can show a live progress bar. */
  readonly stderrIsTty: boolean;
  /** Whether stdout is a terminal (rotate asks before printing secrets there). */
  readonly stdoutIsTty?: boolean;
  readonly env: Record<string, string | undefined>;
}

/**
 * The process's streams. `LOSANT_TOKENS_INTERACTIVE=1` forces prompts on (tests answer them
 * through a pipe), `=0` forces them off.
 *
 * @example
 * const io = processIo();
 * io.err("3 tokens will be deactivated\n");
 */
export function processIo(): Io {
  const forced = process.env.LOSANT_TOKENS_INTERACTIVE;
  const ttys = process.stdin.isTTY === true && process.stderr.isTTY === true;
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    interactive: forced === "1" ? true : forced === "0" ? false : ttys,
    stderrIsTty: process.stderr.isTTY === true,
    stdoutIsTty: process.stdout.isTTY === true,
    env: process.env,
  };
}
