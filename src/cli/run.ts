import { LosantValidationError } from "../../mod.ts";
import { EXIT, UsageError } from "./exit-codes.ts";
import type { Io } from "./io.ts";
import { describeError } from "./output.ts";
import { type GlobalOptions, openSession, type Session } from "./session.ts";
import { handleInterrupts, InterruptedError, type Interrupts } from "./signals.ts";

/** What a command's body is given. */
export interface CommandContext {
  readonly io: Io;
  readonly session: Session;
  readonly interrupts: Interrupts;
}

/**
 * Runs a command body in a session, with Ctrl-C handling, and turns what it throws into
 * the exit code: bad usage or bad input 2, an interrupt 130, any other failure 1. The
 * session (the embedded server) is always closed.
 *
 * @example
 * const code = await runCommand(io, globals, async ({ session }) => {
 *   await getToken(session.client, params);
 *   return EXIT.ok;
 * });
 */
export async function runCommand(
  io: Io,
  globals: GlobalOptions,
  body: (ctx: CommandContext) => Promise<number>,
): Promise<number> {
  let session: Session | undefined;
  const interrupts = handleInterrupts(io);
  try {
    session = await openSession(globals, io);
    return await body({ io, session, interrupts });
  } catch (error) {
    return reportFailure(io, error);
  } finally {
    interrupts.dispose();
    await session?.close();
  }
}

/** Prints `error: ...` on stderr and returns the exit code the error means. */
export function reportFailure(io: Io, error: unknown): number {
  if (error instanceof InterruptedError) {
    io.err("interrupted\n");
    return EXIT.aborted;
  }
  io.err(`error: ${describeError(error)}\n`);
  return error instanceof UsageError || error instanceof LosantValidationError
    ? EXIT.usage
    : EXIT.failed;
}
