import type * as v from "valibot";
import type { ActionName, RequestContext } from "../pipeline/context.ts";

/** One API action: params schema → request → result schema. */
export interface ActionSpec<P extends v.GenericSchema, R extends v.GenericSchema> {
  readonly name: ActionName;
  readonly method: RequestContext["method"];
  readonly params: P;
  readonly result: R;
  path(params: v.InferOutput<P>): string;
  query?(params: v.InferOutput<P>): Record<string, string>;
  body?(params: v.InferOutput<P>): unknown;
}

/** Builds the path of one token, from ids the params schema has already checked. */
export function tokenPath(p: { instanceId: string; apiTokenId: string }): string {
  return `/instances/${p.instanceId}/tokens/${p.apiTokenId}`;
}
