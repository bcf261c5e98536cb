import { EXIT } from "./exit-codes.ts";
import type { Io, StopSignal } from "./io.ts";

/** Why a command was stopped before its end. */
export type StopReason = StopSignal | "stdout" | "results-file";

/** The abort reason of a stopped command. */
export class StopError extends Error {
  override name = "StopError";
  constructor(readonly reason: StopReason, message: string) {
    super(message);
  }
}

/** The exit code each stop means (the README lists them). */
export const STOP_EXIT: Readonly<Record<StopReason, number>> = Object.freeze({
  SIGINT: EXIT.interrupted,
  SIGTERM: EXIT.terminated,
  stdout: EXIT.stdoutClosed,
  "results-file": EXIT.failed,
});

/** How one command run stops. */
export interface Stops {
  /** Aborted on the first stop; the job stops starting work and lets calls in flight settle. */
  readonly signal: AbortSignal;
  /** The first stop's reason, once there was one. */
  readonly reason: StopReason | undefined;
  /** Stops the run (e.g. when the results file cannot be written). */
  stop(reason: StopReason, message: string): void;
  dispose(): void;
}

/**
 * Ctrl-C, SIGTERM (what cron wrappers, `timeout`, systemd and CI cancellation send) and a
 * closed stdout all stop a command the same way: the signal is aborted, calls in flight
 * settle, the report and the results file are completed, and the exit code says which
 * stop it was. A second signal exits at once, as `npm` and `kubectl` do.
 *
 * @example
 * const stops = watchStops(io);
 * const report = await deleteTokens(client, items, { signal: stops.signal });
 */
export function watchStops(io: Io): Stops {
  const controller = new AbortController();
  let reason: StopReason | undefined;
  const stop = (why: StopReason, message: string): void => {
    if (reason !== undefined) return;
    reason = why;
    // Listeners (a live progress bar) stop before the message is printed below it.
    controller.abort(new StopError(why, message));
  };
  const offSignal = io.onSignal((signal) => {
    if (reason === "SIGINT" || reason === "SIGTERM") {
      io.err(`\n${signal} again: exiting now\n`);
      io.exit(STOP_EXIT[signal]);
      return;
    }
    stop(signal, `interrupted (${signal})`);
    io.err(
      `\ninterrupted (${signal}): no new work is started; letting calls in flight finish ` +
        "(Ctrl-C again to quit at once)\n",
    );
  });
  const offClosed = io.onStdoutClosed(() => stop("stdout", "stdout was closed"));
  if (io.stdoutClosed) stop("stdout", "stdout was closed");
  return {
    signal: controller.signal,
    get reason() {
      return reason;
    },
    stop,
    dispose() {
      offSignal();
      offClosed();
    },
  };
}
