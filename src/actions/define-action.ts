import type * as v from "valibot";
import type { ActionName, ActionSemantics, HttpMethod } from "../types.ts";
import type { OutcomeGuard } from "../pipeline/outcome-guard.ts";

/**
 * One API action: params schema → request → result schema, plus what the action is (its
 * {@link ActionSemantics}). Adding an action is one such value in its own file and a
 * function that runs it; no stage lists actions or tests methods.
 *
 * An action that is resendable and whose 404 is a 404 ({@link REPEATABLE}) needs nothing
 * more; any other declaration must come with `outcomeGuard: guardOutcome`
 * (`pipeline/outcome-guard.ts`), which the retry stage asks after each failed attempt. The
 * type refuses one without it, so a declaration is never silently ignored.
 *
 * @example
 * const getTokenAction: ActionSpec<typeof TokenParamsSchema, typeof ApiTokenSchema> = {
 *   name: "getToken", method: "GET", params: TokenParamsSchema, result: ApiTokenSchema,
 *   path: tokenPath, ...REPEATABLE,
 * };
 */
export type ActionSpec<P extends v.GenericSchema, R extends v.GenericSchema> =
  & ActionRequest<P, R>
  & (Repeatable | Guarded);

/** What an action sends and reads back, and what it is. */
export interface ActionRequest<P extends v.GenericSchema, R extends v.GenericSchema>
  extends ActionSemantics {
  readonly name: ActionName;
  readonly method: HttpMethod;
  readonly params: P;
  readonly result: R;
  path(params: v.InferOutput<P>): string;
  query?(params: v.InferOutput<P>): Record<string, string>;
  body?(params: v.InferOutput<P>): unknown;
}

/** Resent freely, a 404 is a 404: no outcome to guard. */
export interface Repeatable {
  readonly resendable: true;
  readonly notFoundAfterUnknown: "not-found";
  readonly outcomeGuard?: undefined;
}

/** Anything else: the guard reads the declaration after each failed attempt. */
export interface Guarded {
  readonly outcomeGuard: OutcomeGuard;
}

/**
 * Semantics of a request that changes nothing or sets a state (a get, a list, a patch):
 * resent freely, a 404 is a 404, pooled connections (a runtime's silent resend reads
 * again or writes the identical body again, which is harmless).
 */
export const REPEATABLE: Repeatable & Pick<ActionSemantics, "ownConnection"> = {
  resendable: true,
  notFoundAfterUnknown: "not-found",
  ownConnection: false,
};

/** Builds the path of one token, from ids the params schema has already checked. */
export function tokenPath(p: { instanceId: string; apiTokenId: string }): string {
  return `/instances/${p.instanceId}/tokens/${p.apiTokenId}`;
}
