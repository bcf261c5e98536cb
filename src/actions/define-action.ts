import type * as v from "valibot";
import type { ActionName, ActionSemantics, HttpMethod } from "../types.ts";

/**
 * One API action: params schema → request → result schema, plus what the action is (its
 * {@link ActionSemantics}). Adding an action is one such value in its own file and a
 * function that runs it; no stage lists actions or tests methods.
 *
 * @example
 * const getTokenAction: ActionSpec<typeof TokenParamsSchema, typeof ApiTokenSchema> = {
 *   name: "getToken", method: "GET", params: TokenParamsSchema, result: ApiTokenSchema,
 *   path: tokenPath, ...READ,
 * };
 */
export interface ActionSpec<P extends v.GenericSchema, R extends v.GenericSchema>
  extends ActionSemantics {
  readonly name: ActionName;
  readonly method: HttpMethod;
  readonly params: P;
  readonly result: R;
  path(params: v.InferOutput<P>): string;
  query?(params: v.InferOutput<P>): Record<string, string>;
  body?(params: v.InferOutput<P>): unknown;
}

/**
 * Semantics of a request that changes nothing or sets a state (a get, a list, a patch):
 * resent freely, a 404 is a 404, pooled connections (a runtime's silent resend reads
 * again or writes the identical body again, which is harmless).
 */
export const REPEATABLE: Pick<
  ActionSemantics,
  "resendable" | "notFoundAfterUnknown" | "ownConnection"
> = { resendable: true, notFoundAfterUnknown: "not-found", ownConnection: false };

/** Builds the path of one token, from ids the params schema has already checked. */
export function tokenPath(p: { instanceId: string; apiTokenId: string }): string {
  return `/instances/${p.instanceId}/tokens/${p.apiTokenId}`;
}
