import { LosantApiError, LosantOutcomeUnknownError } from "../errors.ts";
import type { RequestContext } from "../types.ts";
import { errorContextOf } from "./error-context.ts";
import { isOutcomeUnknown } from "./retry-policy.ts";

/**
 * What the retry stage asks about each failed attempt of an action whose declared
 * semantics make an unknown outcome matter (`resendable: false`, or a
 * `notFoundAfterUnknown` other than `"not-found"`): the error to reject with instead of
 * resending, the declared `{ applied }` result when this 404 says an earlier attempt did
 * the work, or undefined to go on as for any action. `earlier` are the call's earlier
 * failures, oldest first.
 */
export type OutcomeGuard = (
  ctx: RequestContext,
  error: unknown,
  earlier: readonly unknown[],
) => LosantOutcomeUnknownError | { readonly applied: unknown } | undefined;

/**
 * The guard of those actions (create, delete), read from their own declaration. It lives
 * with them, not in the retry stage, so an app that only reads and patches bundles none of
 * it (~0.2 KB gzipped): `ActionSpec` lets only a resendable action whose 404 is a 404 go
 * without it.
 *
 * - A 404 after an earlier attempt with an unknown outcome resolves
 *   `notFoundAfterUnknown.applied` (a delete's `{ success: true, alreadyDeleted: true }`).
 * - An attempt with an unknown outcome of an action that is not `resendable` is not sent
 *   again: LosantOutcomeUnknownError, with the attempt's error as its cause. The caller's
 *   abort is not such an outcome: it rejects with `signal.reason` as always.
 *
 * @example
 * const deleteTokenAction = { ...spec, notFoundAfterUnknown: { applied }, outcomeGuard: guardOutcome };
 */
export const guardOutcome: OutcomeGuard = (ctx, error, earlier) => {
  const { resendable, notFoundAfterUnknown } = ctx.semantics;
  if (
    notFoundAfterUnknown !== "not-found" && error instanceof LosantApiError &&
    error.statusCode === 404 && earlier.some(isOutcomeUnknown)
  ) {
    // An earlier attempt reached the server and did the work; only the answer was lost.
    return notFoundAfterUnknown;
  }
  if (resendable || !isOutcomeUnknown(error)) return undefined;
  if (ctx.signal?.aborted && error === ctx.signal.reason) return undefined;
  return new LosantOutcomeUnknownError(
    `${ctx.method} ${ctx.path}: the outcome is unknown, so it was not resent: ${
      (error as Error)?.message ?? error
    }`,
    errorContextOf(ctx, { cause: error }),
  );
};
