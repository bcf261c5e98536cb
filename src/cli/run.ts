import { LosantValidationError } from "../../mod.ts";
import { EXIT, UsageError } from "./exit-codes.ts";
import type { Io } from "./io.ts";
import { describeError } from "./output.ts";
import { type GlobalOptions, openSession, type Session } from "./session.ts";
import { STOP_EXIT, type Stops, watchStops } from "./stops.ts";

/** What a command's body is given. */
export interface CommandContext {
  readonly io: Io;
  readonly session: Session;
  readonly stops: Stops;
}

/**
 * Runs a command body in a session, with Ctrl-C, SIGTERM and a closed stdout handled, and
 * turns what it throws into the exit code: bad usage or bad input 2, a stop its own code
 * (stops.ts), any other failure 1. The session (the embedded server) is always closed.
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
  const stops = watchStops(io);
  try {
    session = await openSession(globals, io);
    const code = await body({ io, session, stops });
    return stops.reason === undefined ? code : STOP_EXIT[stops.reason];
  } catch (error) {
    return reportFailure(io, error, stops);
  } finally {
    stops.dispose();
    await session?.close();
  }
}

/** Prints `error: ...` on stderr and returns the exit code the error means. */
export function reportFailure(io: Io, error: unknown, stops?: Stops): number {
  if (stops?.reason !== undefined) {
    // Whatever the stop broke (an aborted listing) is the stop, already explained.
    if (stops.reason === "SIGINT" || stops.reason === "SIGTERM") io.err("interrupted\n");
    return STOP_EXIT[stops.reason];
  }
  io.err(`error: ${describeError(error)}\n`);
  return error instanceof UsageError || error instanceof LosantValidationError
    ? EXIT.usage
    : EXIT.failed;
}
