/**
 * Exit codes, as scripts around the CLI rely on them (the README's table is the contract):
 *
 * - 0 everything succeeded, or there was nothing to do;
 * - 1 some item or call failed, or the job stopped on an error (an unwritable results file);
 * - 2 the command line or its input was wrong: nothing was sent;
 * - 3 the confirmation was declined: nothing was sent;
 * - 130 interrupted by SIGINT (Ctrl-C), 143 by SIGTERM: 128 + the signal, the shell's own
 *   convention, after the report and the results file are written;
 * - 141 stdout was closed by its reader (`| head -1`): 128 + SIGPIPE, what any Unix tool
 *   killed by a broken pipe reports, but after the job stopped gracefully.
 */
export const EXIT = Object.freeze({
  ok: 0,
  failed: 1,
  usage: 2,
  declined: 3,
  interrupted: 130,
  stdoutClosed: 141,
  terminated: 143,
});

/** A mistake in how the CLI was called: printed as `error: ...` and exits 2. */
export class UsageError extends Error {
  override name = "UsageError";
}
