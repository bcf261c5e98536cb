import process from "node:process";
import { EXIT } from "./exit-codes.ts";
import type { Io } from "./io.ts";

/** The abort reason of a run stopped by Ctrl-C. */
export class InterruptedError extends Error {
  override name = "InterruptedError";
  constructor() {
    super("interrupted (SIGINT)");
  }
}

/** The Ctrl-C handling of one command run. */
export interface Interrupts {
  /** Aborts on the first Ctrl-C. */
  readonly signal: AbortSignal;
  readonly interrupted: boolean;
  dispose(): void;
}

/**
 * The first Ctrl-C aborts `signal` (the job stops starting work, lets calls in flight
 * settle, and writes its report); the second exits 130 at once, like `npm` and `kubectl`.
 *
 * @example
 * const interrupts = handleInterrupts(io);
 * const report = await deleteTokens(client, items, { signal: interrupts.signal });
 */
export function handleInterrupts(io: Io): Interrupts {
  const controller = new AbortController();
  const onSigint = (): void => {
    if (controller.signal.aborted) {
      io.err("\ninterrupted again: exiting now\n");
      process.exit(EXIT.aborted);
    }
    io.err(
      "\ninterrupted: no new work is started; letting calls in flight finish " +
        "(Ctrl-C again to quit at once)\n",
    );
    controller.abort(new InterruptedError());
  };
  process.on("SIGINT", onSigint);
  return {
    signal: controller.signal,
    get interrupted() {
      return controller.signal.aborted;
    },
    dispose: () => void process.off("SIGINT", onSigint),
  };
}
