/**
 * Exit codes, as scripts around the CLI rely on them: 0 all succeeded, 1 some item or call
 * failed, 2 the command line (or its input) was wrong and nothing was done, 130 the run was
 * interrupted (128 + SIGINT, the shell's own convention).
 */
export const EXIT = Object.freeze({ ok: 0, failed: 1, usage: 2, aborted: 130 });

/** A mistake in how the CLI was called: printed as `error: ...` and exits 2. */
export class UsageError extends Error {
  override name = "UsageError";
}
